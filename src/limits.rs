//! Limits on work: each stops a hostile (or mistaken) workspace with a clear
//! error instead of letting it run for minutes, exhaust the stack or flood
//! the log. Every one has a documented default, sized so legitimate large
//! workspaces pass, and a command-line flag to raise it (README, "Limits").

/// The limits one run works within. `Default` gives the documented values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Errors shown before the rest are only counted (`--max-errors`).
    pub errors: usize,
    /// Partial matches tried for one template at one position of a claim
    /// (`--max-match-steps`).
    pub match_steps: usize,
    /// Definitions using definitions, deepest chain (`--max-definition-depth`).
    pub definition_depth: usize,
    /// Quantifier bindings of one claim; nested quantifiers multiply
    /// (`--max-bindings`).
    pub bindings: u128,
    /// Atom evaluations of one claim: each atom counted once per binding of
    /// the quantifiers around it, definitions expanded (`--max-work`).
    pub work: u128,
    /// Pairs of facts examined for conflicts among the facts of one key
    /// (`--max-conflicts-per-key`).
    pub conflicts_per_key: usize,
    /// `via` steps from a source to its document (`--max-via-depth`).
    pub via_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            errors: 200,
            match_steps: 20_000,
            definition_depth: 32,
            bindings: 1_000_000,
            work: 20_000_000,
            conflicts_per_key: 1_000_000,
            via_depth: 16,
        }
    }
}
