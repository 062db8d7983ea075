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
    /// The record, where its line is shared with others (`items[17] (id …)`).
    pub record: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{severity}: {}:{}: {}: {}", self.file, self.line, self.field, self.message)?;
        match &self.record {
            Some(record) => write!(f, " [{record}]"),
            None => Ok(()),
        }
    }
}

/// Collects the diagnostics of one file.
#[derive(Debug)]
pub struct Report {
    pub file: String,
    pub diagnostics: Vec<Diagnostic>,
    /// The record being read, named in what is said until the next one.
    record: Option<String>,
}

impl Report {
    pub fn new(file: impl Into<String>) -> Self {
        Report { file: file.into(), diagnostics: Vec::new(), record: None }
    }

    pub fn error(&mut self, line: usize, field: &str, message: impl Into<String>) {
        self.push(Severity::Error, line, field, message.into());
    }

    pub fn warning(&mut self, line: usize, field: &str, message: impl Into<String>) {
        self.push(Severity::Warning, line, field, message.into());
    }

    /// What is said from now on is about this record (`None`: about the file, or a record its
    /// line names alone).
    pub fn at_record(&mut self, locator: Option<&str>) {
        self.record = locator.map(str::to_string);
    }

    fn push(&mut self, severity: Severity, line: usize, field: &str, message: String) {
        self.diagnostics.push(Diagnostic {
            severity,
            file: self.file.clone(),
            line,
            field: field.to_string(),
            message,
            record: self.record.clone(),
        });
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }
}
