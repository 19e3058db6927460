//! Syntax: the lexer, templates and the `.claims` statement parser. Builds
//! only syntax; no name is resolved here.
pub mod ast;
pub mod lexer;
pub mod parser;
pub mod template;
