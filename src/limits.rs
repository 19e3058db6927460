//! Every limit of a run, in one place: file sizes when loading
//! ([`FileLimits`]) and work after it ([`Limits`]), together a
//! [`RunLimits`], built once from the command line and passed down. Each
//! stops a hostile (or mistaken) workspace with a clear error instead of
//! letting it run for minutes, exhaust memory or the stack, or flood the
//! log. Every one has a documented default, sized so legitimate large
//! workspaces pass, and a command-line flag to raise it (README, "Limits").

/// Every limit one run works within. `Default` gives the documented values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunLimits {
    /// Largest files read (`--max-text-file`, `--max-jsonl-file`).
    pub files: FileLimits,
    /// Work after loading (`--max-*` of `check`, `eval`, `explain`,
    /// `conflicts`).
    pub work: Limits,
}

/// Largest `.claims` or `.yaml` file read, by default (`--max-text-file`).
pub const MAX_TEXT_FILE: u64 = 64 * 1024 * 1024;
/// Largest `.jsonl` file read, by default (`--max-jsonl-file`): 4 GB.
pub const MAX_JSONL_FILE: u64 = 4_000_000_000;
/// No file can be larger: positions in a file are 32-bit byte offsets.
pub const MAX_ANY_FILE: u64 = u32::MAX as u64;

/// Size limits per file kind, in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileLimits {
    /// `.claims` and `.yaml` files.
    pub text: u64,
    /// `.jsonl` files.
    pub jsonl: u64,
}

impl Default for FileLimits {
    fn default() -> FileLimits {
        FileLimits {
            text: MAX_TEXT_FILE,
            jsonl: MAX_JSONL_FILE,
        }
    }
}

/// The limits on work one run keeps within. `Default` gives the documented
/// values.
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
