//! Reading tabular sources (CSV, JSON arrays of objects) into flat records with line numbers,
//! so one mapping serves every container format.

use crate::diagnostic::Report;

/// One row: its first line in the file, and its fields as text, in source order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<(String, String)>,
}

impl Record {
    /// The trimmed value of a field; `None` when absent or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(key, _)| key == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }

    /// The first of several names present (old and new names of the same field).
    pub fn get_any<'n>(&self, names: &[&'n str]) -> Option<(&'n str, &str)> {
        names.iter().find_map(|name| self.get(name).map(|value| (*name, value)))
    }
}

/// Reads a CSV file (`,` or `;` delimited, detected from the header); the header is line 1.
pub fn read_csv(text: &str, report: &mut Report) -> Vec<Record> {
    let header_line = text.lines().next().unwrap_or("");
    let delimiter = if header_line.matches(';').count() > header_line.matches(',').count() { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(headers) => headers.iter().map(|h| h.trim().to_string()).collect(),
        Err(error) => {
            report.error(1, "(header)", format!("cannot read the CSV header: {error}"));
            return Vec::new();
        }
    };
    let mut records = Vec::new();
    for row in reader.records() {
        match row {
            Ok(row) => {
                let line = row.position().map_or(0, |p| p.line() as usize);
                if row.len() != headers.len() {
                    report.error(
                        line,
                        "(row)",
                        format!(
                            "{} fields where the header has {}: check quotes and separators",
                            row.len(),
                            headers.len()
                        ),
                    );
                    continue;
                }
                let fields = headers.iter().cloned().zip(row.iter().map(str::to_string)).collect();
                records.push(Record { line, fields });
            }
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line() as usize);
                report.error(line, "(row)", format!("unreadable CSV row: {error}"));
            }
        }
    }
    records
}

/// Reads a JSON array of flat objects. Numbers become their text, arrays are joined with `|`,
/// nested objects are refused for that field. Each record knows the line its object starts on.
pub fn read_json(text: &str, report: &mut Report) -> Vec<Record> {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            report.error(error.line(), "(file)", format!("not valid JSON: {error}"));
            return Vec::new();
        }
    };
    let items = match value {
        serde_json::Value::Array(items) => items,
        // data·inclusion style `{ "data": [...] }` or a lone object are not this reader's job.
        _ => {
            report.error(1, "(file)", "expected a JSON array of objects, one per place");
            return Vec::new();
        }
    };
    let lines = top_level_element_lines(text);
    let mut records = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let line = lines.get(index).copied().unwrap_or(0);
        let serde_json::Value::Object(object) = item else {
            report.error(line, "(row)", "expected an object with the place's fields");
            continue;
        };
        let mut fields = Vec::with_capacity(object.len());
        for (key, value) in object {
            let text = match value {
                serde_json::Value::Null => String::new(),
                serde_json::Value::Bool(b) => b.to_string(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::String(s) => s,
                serde_json::Value::Array(values) => values
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join("|"),
                serde_json::Value::Object(_) => {
                    report.warning(line, &key, "nested object ignored: expected text, a number or a list");
                    continue;
                }
            };
            fields.push((key, text));
        }
        records.push(Record { line, fields });
    }
    records
}

/// The line where each element of the top-level JSON array starts.
fn top_level_element_lines(text: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    let (mut line, mut depth, mut in_string, mut escaped, mut expecting) = (1usize, 0usize, false, false, false);
    for byte in text.bytes() {
        if byte == b'\n' {
            line += 1;
        }
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        if expecting && !byte.is_ascii_whitespace() && byte != b']' {
            lines.push(line);
            expecting = false;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth == 1 && byte == b'[' {
                    expecting = true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 1 => expecting = true,
            _ => {}
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_records_know_their_lines() {
        let text = "[\n  {\"id\": \"a\", \"lat\": 45.5},\n  {\n    \"id\": \"b,]\", \"list\": [\"x\", \"y\"]\n  }\n]";
        let mut report = Report::new("t.json");
        let records = read_json(text, &mut report);
        assert_eq!(records.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(records[0].get("lat"), Some("45.5"));
        assert_eq!(records[1].get("list"), Some("x|y"));
        assert!(report.diagnostics.is_empty());
    }

    #[test]
    fn csv_lines_count_the_header_as_line_one() {
        let mut report = Report::new("t.csv");
        let records = read_csv("id,nom\n1,\"A\nB\"\n2,C,extra\n3,D\n", &mut report);
        assert_eq!(records.iter().map(|r| (r.line, r.get("id").unwrap())).collect::<Vec<_>>(), [(2, "1"), (5, "3")]);
        assert_eq!(
            report.diagnostics[0].to_string(),
            "error: t.csv:4: (row): 3 fields where the header has 2: check quotes and separators"
        );
    }

    #[test]
    fn broken_json_says_where() {
        let mut report = Report::new("t.json");
        assert!(read_json("[{\"id\": 1},\n{", &mut report).is_empty());
        assert_eq!(report.diagnostics[0].line, 2);
    }
}
