//! Problems found in data, each with its place: file, line, field, and what was expected.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The row (or file) cannot be used; it is left out and said so.
    Error,
    /// The row is kept, but something is missing, doubtful or was repaired.
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: String,
    /// 1-based line in the file as written (CSV header = line 1); 0 = the file as a whole.
    pub line: usize,
    pub field: String,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{severity}: {}:{}: {}: {}", self.file, self.line, self.field, self.message)
    }
}

/// Collects the diagnostics of one file.
#[derive(Debug)]
pub struct Report {
    pub file: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn new(file: impl Into<String>) -> Self {
        Report { file: file.into(), diagnostics: Vec::new() }
    }

    pub fn error(&mut self, line: usize, field: &str, message: impl Into<String>) {
        self.push(Severity::Error, line, field, message.into());
    }

    pub fn warning(&mut self, line: usize, field: &str, message: impl Into<String>) {
        self.push(Severity::Warning, line, field, message.into());
    }

    fn push(&mut self, severity: Severity, line: usize, field: &str, message: String) {
        self.diagnostics.push(Diagnostic {
            severity,
            file: self.file.clone(),
            line,
            field: field.to_string(),
            message,
        });
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }
}
