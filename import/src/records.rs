//! Reading tabular sources (CSV, JSON arrays of objects) into flat records with line numbers,
//! so one mapping serves every container format.

use crate::diagnostic::Report;

/// One row: its first line in the file, and its fields as text, in source order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<(String, String)>,
    /// The line of each field, parallel to `fields`, when fields sit on lines of their own (TOML);
    /// empty when every field is on `line` (CSV, JSON objects).
    pub field_lines: Vec<usize>,
    /// Where it sits in its list (`items[17] (id …)`), when its line does not tell it apart:
    /// records written on one line (API answers, exports).
    pub locator: Option<String>,
}

impl Record {
    /// A record whose fields are all on its first line.
    pub fn new(line: usize, fields: Vec<(String, String)>) -> Self {
        Record { line, fields, field_lines: Vec::new(), locator: None }
    }

    /// The line to cite for a field: its own when known, else the record's.
    pub fn line_of(&self, name: &str) -> usize {
        self.fields
            .iter()
            .position(|(key, _)| key == name)
            .and_then(|index| self.field_lines.get(index).copied())
            .unwrap_or(self.line)
    }

    /// Whether any of the fields has a non-blank value.
    pub fn has_any(&self, names: &[&str]) -> bool {
        names.iter().any(|name| self.get(name).is_some())
    }

    /// The trimmed value of a field; `None` when absent or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(key, _)| key == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }

    /// The first of several names present (old and new names of the same field).
    pub fn get_any<'n>(&self, names: &[&'n str]) -> Option<(&'n str, &str)> {
        names.iter().find_map(|name| self.get(name).map(|value| (*name, value)))
    }
}

/// Reads a CSV file (`,`, `;` or tab delimited: whichever the header uses most); the header is
/// line 1. A spreadsheet saved as "text (tab-separated)" is read too, with a warning.
pub fn read_csv(text: &str, report: &mut Report) -> Vec<Record> {
    let header_line = text.lines().next().unwrap_or("");
    let count = |delimiter: u8| header_line.bytes().filter(|b| *b == delimiter).count();
    let delimiter = if count(b'\t') > count(b',').max(count(b';')) {
        b'\t'
    } else if count(b';') > count(b',') {
        b';'
    } else {
        b','
    };
    if delimiter == b'\t' {
        report.warning(1, "(header)", "columns separated by tabs, where the standard uses commas: read with tabs");
    }
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
                records.push(Record::new(line, fields));
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
    let Some(value) = parse_json(text, report) else {
        return Vec::new();
    };
    let items = match value {
        serde_json::Value::Array(items) => items,
        // data·inclusion style `{ "structures": [...] }` or a lone object are not this reader's job.
        _ => {
            report.error(1, "(file)", "expected a JSON array of objects, one per place");
            return Vec::new();
        }
    };
    let mut records = records_of(items, &element_lines(text).top, report);
    name_records_on_shared_lines(&mut records, "");
    records
}

/// Parses JSON, reporting where it breaks.
pub fn parse_json(text: &str, report: &mut Report) -> Option<serde_json::Value> {
    match serde_json::from_str(text) {
        Ok(value) => Some(value),
        Err(error) => {
            report.error(error.line(), "(file)", format!("not valid JSON: {error}"));
            None
        }
    }
}

/// Names each record by its place in the list `key` (`items[17] (id …)`) where several records
/// share a line, so that diagnostics point at one record of a one-line answer.
pub fn name_records_on_shared_lines(records: &mut [Record], key: &str) {
    let mut on_line: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for record in records.iter() {
        *on_line.entry(record.line).or_default() += 1;
    }
    for (index, record) in records.iter_mut().enumerate() {
        if on_line.get(&record.line).is_some_and(|n| *n > 1) {
            let id = record.get("id").map(|id| format!(" (id {id})")).unwrap_or_default();
            record.locator = Some(format!("{key}[{index}]{id}"));
        }
    }
}

/// Flattens JSON objects into records; `lines[i]` is where item `i` starts.
pub fn records_of(items: Vec<serde_json::Value>, lines: &[usize], report: &mut Report) -> Vec<Record> {
    let mut records = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let line = lines.get(index).copied().unwrap_or(0);
        let serde_json::Value::Object(object) = item else {
            report.error(line, "(row)", "expected an object with the place's fields");
            continue;
        };
        records.push(record_of(object, line, report));
    }
    records
}

fn record_of(object: serde_json::Map<String, serde_json::Value>, line: usize, report: &mut Report) -> Record {
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
    Record::new(line, fields)
}

/// Where the elements of a JSON document's arrays start: the top-level array's elements, and
/// those of arrays that are values of a top-level object (`{"services": [...]}`).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ElementLines {
    pub top: Vec<usize>,
    pub by_key: Vec<(String, Vec<usize>)>,
}

impl ElementLines {
    pub fn of_key(&self, key: &str) -> &[usize] {
        self.by_key.iter().find(|(k, _)| k == key).map_or(&[], |(_, lines)| lines.as_slice())
    }
}

/// An open array or object while scanning.
struct Frame {
    is_array: bool,
    /// Element lines are recorded for this array.
    tracked: bool,
    key: Option<String>,
    expecting: bool,
    lines: Vec<usize>,
}

/// Scans the text once (serde_json does not give positions of values) for [`ElementLines`].
/// The text is assumed to be valid JSON: it is only called after parsing succeeded.
pub fn element_lines(text: &str) -> ElementLines {
    let mut found = ElementLines::default();
    let mut stack: Vec<Frame> = Vec::new();
    let (mut line, mut in_string, mut escaped) = (1usize, false, false);
    // Strings directly inside the top-level object are captured: the last one before `:` is a key.
    let (mut buffer, mut capture, mut last_string, mut key) = (String::new(), false, None, None);
    for ch in text.chars() {
        if ch == '\n' {
            line += 1;
        }
        if in_string {
            match (escaped, ch) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => {
                    in_string = false;
                    if capture {
                        last_string = Some(std::mem::take(&mut buffer));
                    }
                    continue;
                }
                _ => {}
            }
            if capture {
                buffer.push(ch);
            }
            continue;
        }
        if let Some(frame) = stack.last_mut() {
            if frame.expecting && !ch.is_whitespace() && ch != ']' {
                frame.lines.push(line);
                frame.expecting = false;
            }
        }
        let in_top_object = stack.len() == 1 && !stack[0].is_array;
        match ch {
            '"' => {
                in_string = true;
                capture = in_top_object;
                buffer.clear();
            }
            ':' if in_top_object => key = last_string.take(),
            '[' | '{' => {
                let is_array = ch == '[';
                let tracked = is_array && (stack.is_empty() || in_top_object);
                let key = if in_top_object { key.take() } else { None };
                stack.push(Frame { is_array, tracked, key, expecting: tracked, lines: Vec::new() });
            }
            ',' => {
                if let Some(frame) = stack.last_mut().filter(|f| f.tracked) {
                    frame.expecting = true;
                }
            }
            ']' | '}' => {
                if let Some(frame) = stack.pop().filter(|f| f.tracked) {
                    match frame.key {
                        Some(key) => found.by_key.push((key, frame.lines)),
                        None => found.top = frame.lines,
                    }
                }
            }
            _ => {}
        }
    }
    found
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
    fn nested_arrays_know_their_lines() {
        let text = "{\n \"structures\": [\n  {\"id\": \"s\", \"x\": [1, {\"y\": \"]\"}]}\n ],\n \"services\": [{\"id\": \"a\"},\n  {\"id\": \"b\"}]\n}";
        let lines = element_lines(text);
        assert_eq!(lines.of_key("structures"), [3]);
        assert_eq!(lines.of_key("services"), [5, 6]);
        assert!(lines.top.is_empty());
        assert_eq!(element_lines("[\n{},\n\n{}]").top, [2, 4]);
    }

    #[test]
    fn field_lines_are_cited_when_known() {
        let mut record = Record::new(3, vec![("a".into(), "1".into()), ("b".into(), " ".into())]);
        assert_eq!(record.line_of("b"), 3);
        record.field_lines = vec![4, 5];
        assert_eq!((record.line_of("b"), record.line_of("zzz")), (5, 3));
        assert!(record.has_any(&["b", "a"]) && !record.has_any(&["b"]));
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

/// `text` as one CSV field: quoted (quotes doubled) when it holds a comma, a quote or a line end.
/// For the shells that write CSV (the coverage and statistics reports).
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod csv_field_tests {
    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(super::csv_field("Saint-Amant-de-Boixe"), "Saint-Amant-de-Boixe");
        assert_eq!(super::csv_field("EPN, \"le lieu\""), "\"EPN, \"\"le lieu\"\"\"");
    }
}
