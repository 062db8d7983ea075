//! Short names for what crosses between the wasm module and its JavaScript glue.
//!
//! wasm-bindgen names each import after the JavaScript it calls plus a 16-digit hash
//! (`__wbg_setAttribute_2b1c…`), and each closure export after its Rust types. The names are
//! written twice, in the module and in the glue, and the hashes do not compress: they weighed
//! about 3 KB brotli of the widget. Only the glue ever reads them, so both sides get the same
//! short names here, after binding. Nothing else in the module changes: its other sections are
//! copied byte for byte.

use std::collections::BTreeMap;

use crate::steps::Result;

/// The wasm module and its glue, with short names on both sides.
pub struct Renamed {
    pub wasm: Vec<u8>,
    pub glue: String,
}

/// Renames the module's exports (read by the glue as `wasm.NAME`) and the imports it takes from
/// the glue's import object (module `import_module`, renamed `"a"`).
pub fn shorten(wasm: &[u8], glue: &str, import_module: &str) -> Result<Renamed> {
    let module = Module::parse(wasm)?;
    let mut names = ShortNames::default();
    let mut imports = BTreeMap::new();
    let mut exports = BTreeMap::new();
    for import in module.imports()? {
        if import.module == import_module {
            imports.entry(import.name.to_owned()).or_insert_with(|| names.next());
        }
    }
    let mut export_names = ShortNames::default();
    for export in module.exports()? {
        exports.insert(export.name.to_owned(), export_names.next());
    }

    let glue = rename_in_glue(glue, import_module, &imports, &exports)?;
    let wasm = module.rewrite(|section_id, payload| match section_id {
        IMPORT_SECTION => rewrite_imports(payload, import_module, &imports),
        EXPORT_SECTION => rewrite_exports(payload, &exports),
        _ => Ok(None),
    })?;
    Ok(Renamed { wasm, glue })
}

/// The new module name of the glue's import object.
const SHORT_MODULE: &str = "a";

fn rename_in_glue(
    glue: &str,
    import_module: &str,
    imports: &BTreeMap<String, String>,
    exports: &BTreeMap<String, String>,
) -> Result<String> {
    let module_key = format!("\"{import_module}\":");
    if glue.matches(&module_key).count() != 1 {
        return Err(format!("the glue does not name its import module {module_key} exactly once"));
    }
    let glue = glue.replacen(&module_key, &format!("\"{SHORT_MODULE}\":"), 1);
    let mut out = String::with_capacity(glue.len());
    let mut seen_imports: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rest = glue.as_str();
    // One pass over identifiers: `wasm.NAME` is an export, an import's name is a key of the
    // import object; any other identifier is left alone.
    while let Some(start) = rest.find(is_identifier_char) {
        let (before, from) = rest.split_at(start);
        out.push_str(before);
        let end = from.find(|c| !is_identifier_char(c)).unwrap_or(from.len());
        let (word, after) = from.split_at(end);
        let member_of_wasm = out.ends_with("wasm.") && !out[..out.len() - 5].ends_with(is_identifier_char);
        match (member_of_wasm, exports.get(word), imports.get(word)) {
            (true, Some(short), _) => out.push_str(short),
            (true, None, _) => return Err(format!("the glue reads wasm.{word}, which the module does not export")),
            (false, _, Some(short)) => {
                *seen_imports.entry(word).or_default() += 1;
                out.push_str(short);
            }
            (false, _, None) => out.push_str(word),
        }
        rest = after;
    }
    out.push_str(rest);
    // Each import is named once, as its key in the import object: a name used anywhere else
    // would be an identifier of the glue's own, not to be renamed.
    if let Some(name) = imports.keys().find(|name| seen_imports.get(name.as_str()) != Some(&1)) {
        let times = seen_imports.get(name.as_str()).copied().unwrap_or(0);
        return Err(format!(
            "the glue names the import {name} {times} times, expected once (its key in the import object)"
        ));
    }
    Ok(out)
}

fn is_identifier_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// `a`, `b`, … `Z`, then `a0`, `b0`, …: identifiers, used only as property names (where even a
/// reserved word such as `do` is allowed).
#[derive(Default)]
struct ShortNames {
    count: usize,
}

impl ShortNames {
    fn next(&mut self) -> String {
        const FIRST: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        const REST: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        let mut n = self.count;
        self.count += 1;
        let mut name = String::from(FIRST[n % FIRST.len()] as char);
        n /= FIRST.len();
        while n > 0 {
            n -= 1;
            name.push(REST[n % REST.len()] as char);
            n /= REST.len();
        }
        name
    }
}

const IMPORT_SECTION: u8 = 2;
const EXPORT_SECTION: u8 = 7;

/// A wasm module cut into its sections (payloads borrowed).
struct Module<'a> {
    header: &'a [u8],
    sections: Vec<(u8, &'a [u8])>,
}

impl<'a> Module<'a> {
    fn parse(bytes: &'a [u8]) -> Result<Self> {
        const MAGIC: &[u8] = b"\0asm\x01\0\0\0";
        if !bytes.starts_with(MAGIC) {
            return Err("not a wasm module (version 1)".into());
        }
        let mut reader = Reader { bytes, at: MAGIC.len() };
        let mut sections = Vec::new();
        while !reader.is_done() {
            let id = reader.byte()?;
            let size = reader.u32()? as usize;
            sections.push((id, reader.take(size)?));
        }
        Ok(Self { header: &bytes[..MAGIC.len()], sections })
    }

    fn payload(&self, id: u8) -> Option<&'a [u8]> {
        self.sections.iter().find(|(section, _)| *section == id).map(|(_, payload)| *payload)
    }

    fn imports(&self) -> Result<Vec<Import<'a>>> {
        entries(self.payload(IMPORT_SECTION), Import::read)
    }

    fn exports(&self) -> Result<Vec<Export<'a>>> {
        entries(self.payload(EXPORT_SECTION), Export::read)
    }

    /// The module again, each section's payload replaced where `rewrite` returns one.
    fn rewrite(&self, mut rewrite: impl FnMut(u8, &[u8]) -> Result<Option<Vec<u8>>>) -> Result<Vec<u8>> {
        let mut out = self.header.to_vec();
        for &(id, payload) in &self.sections {
            let new_payload = rewrite(id, payload)?;
            let payload = new_payload.as_deref().unwrap_or(payload);
            out.push(id);
            write_u32(&mut out, payload.len())?;
            out.extend_from_slice(payload);
        }
        Ok(out)
    }
}

/// The entries of a vector section (count, then entries), each read by `read`.
fn entries<'a, T>(payload: Option<&'a [u8]>, read: fn(&mut Reader<'a>) -> Result<T>) -> Result<Vec<T>> {
    let Some(payload) = payload else { return Ok(Vec::new()) };
    let mut reader = Reader { bytes: payload, at: 0 };
    let count = reader.u32()?;
    // Each entry takes at least one byte: a count beyond that is a lie, not a reservation.
    let mut out = Vec::with_capacity((count as usize).min(payload.len()));
    for _ in 0..count {
        out.push(read(&mut reader)?);
    }
    Ok(out)
}

struct Import<'a> {
    module: &'a str,
    name: &'a str,
    /// The kind and type of the import, kept as they are.
    description: &'a [u8],
}

impl<'a> Import<'a> {
    fn read(reader: &mut Reader<'a>) -> Result<Self> {
        let module = reader.name()?;
        let name = reader.name()?;
        let start = reader.at;
        match reader.byte()? {
            0x00 => drop(reader.u32()?), // function: type index
            0x01 => {
                reader.byte()?; // table: reference type, then limits
                reader.limits()?;
            }
            0x02 => reader.limits()?, // memory
            0x03 => {
                reader.byte()?; // global: value type, mutability
                reader.byte()?;
            }
            0x04 => {
                reader.byte()?; // tag: attribute, type index
                reader.u32()?;
            }
            kind => return Err(format!("import {module}.{name}: unknown kind {kind:#04x}")),
        }
        Ok(Self { module, name, description: &reader.bytes[start..reader.at] })
    }
}

struct Export<'a> {
    name: &'a str,
    /// The kind and index of the export, kept as they are.
    description: &'a [u8],
}

impl<'a> Export<'a> {
    fn read(reader: &mut Reader<'a>) -> Result<Self> {
        let name = reader.name()?;
        let start = reader.at;
        reader.byte()?;
        reader.u32()?;
        Ok(Self { name, description: &reader.bytes[start..reader.at] })
    }
}

fn rewrite_imports(payload: &[u8], import_module: &str, short: &BTreeMap<String, String>) -> Result<Option<Vec<u8>>> {
    let imports = entries(Some(payload), Import::read)?;
    let mut out = Vec::with_capacity(payload.len());
    write_u32(&mut out, imports.len())?;
    for import in imports {
        let (module, name) = match short.get(import.name) {
            Some(short) if import.module == import_module => (SHORT_MODULE, short.as_str()),
            _ => (import.module, import.name),
        };
        write_name(&mut out, module)?;
        write_name(&mut out, name)?;
        out.extend_from_slice(import.description);
    }
    Ok(Some(out))
}

fn rewrite_exports(payload: &[u8], short: &BTreeMap<String, String>) -> Result<Option<Vec<u8>>> {
    let exports = entries(Some(payload), Export::read)?;
    let mut out = Vec::with_capacity(payload.len());
    write_u32(&mut out, exports.len())?;
    for export in exports {
        write_name(&mut out, short.get(export.name).map_or(export.name, String::as_str))?;
        out.extend_from_slice(export.description);
    }
    Ok(Some(out))
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn is_done(&self) -> bool {
        self.at >= self.bytes.len()
    }

    fn byte(&mut self) -> Result<u8> {
        let byte = *self.bytes.get(self.at).ok_or_else(|| format!("wasm module truncated at byte {}", self.at))?;
        self.at += 1;
        Ok(byte)
    }

    /// An unsigned LEB128 of at most 32 bits.
    fn u32(&mut self) -> Result<u32> {
        let start = self.at;
        let mut value: u64 = 0;
        for shift in (0..35).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return u32::try_from(value).map_err(|_| format!("wasm module: number too large at byte {start}"));
            }
        }
        Err(format!("wasm module: number longer than 5 bytes at byte {start}"))
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8]> {
        let end = self.at.checked_add(len).filter(|&end| end <= self.bytes.len());
        let end = end.ok_or_else(|| format!("wasm module truncated: {len} bytes wanted at byte {}", self.at))?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn name(&mut self) -> Result<&'a str> {
        let len = self.u32()? as usize;
        let at = self.at;
        std::str::from_utf8(self.take(len)?).map_err(|_| format!("wasm module: a name is not UTF-8 at byte {at}"))
    }

    fn limits(&mut self) -> Result<()> {
        let flags = self.byte()?;
        self.u32()?;
        if flags & 1 == 1 {
            self.u32()?;
        }
        Ok(())
    }
}

fn write_u32(out: &mut Vec<u8>, value: usize) -> Result<()> {
    let mut value = u32::try_from(value).map_err(|_| format!("wasm module: {value} does not fit 32 bits"))?;
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return Ok(());
        }
        out.push(byte | 0x80);
    }
}

fn write_name(out: &mut Vec<u8>, name: &str) -> Result<()> {
    write_u32(out, name.len())?;
    out.extend_from_slice(name.as_bytes());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLUE_MODULE: &str = "./x_bg.js";

    /// A module with a type section, two glue imports, one import from elsewhere, a memory
    /// import, two exports, and a custom section that must come out unchanged.
    fn module(glue_module: &str, import_names: [&str; 3], export_names: [&str; 2]) -> Vec<u8> {
        let mut types = Vec::new();
        write_u32(&mut types, 1).unwrap();
        types.extend_from_slice(&[0x60, 0, 0]); // () -> ()
        let mut imports = Vec::new();
        write_u32(&mut imports, 4).unwrap();
        for name in &import_names[..2] {
            write_name(&mut imports, glue_module).unwrap();
            write_name(&mut imports, name).unwrap();
            imports.extend_from_slice(&[0x00, 0x00]);
        }
        write_name(&mut imports, "env").unwrap();
        write_name(&mut imports, "__wbg_other_0123456789abcdef").unwrap();
        imports.extend_from_slice(&[0x00, 0x00]);
        write_name(&mut imports, glue_module).unwrap();
        write_name(&mut imports, import_names[2]).unwrap();
        imports.extend_from_slice(&[0x02, 0x01, 0x01, 0x10]);
        let mut exports = Vec::new();
        write_u32(&mut exports, 2).unwrap();
        for (index, name) in export_names.into_iter().enumerate() {
            write_name(&mut exports, name).unwrap();
            exports.extend_from_slice(&[0x00, index as u8]);
        }
        let mut custom = Vec::new();
        write_name(&mut custom, "kept").unwrap();
        custom.extend_from_slice(&[1, 2, 3]);
        let mut out = b"\0asm\x01\0\0\0".to_vec();
        for (id, payload) in [(1, types), (IMPORT_SECTION, imports), (EXPORT_SECTION, exports), (0, custom)] {
            out.push(id);
            write_u32(&mut out, payload.len()).unwrap();
            out.extend_from_slice(&payload);
        }
        out
    }

    const GLUE: &str = r#"const import0 = {
    __wbg_log_0123456789abcdef: function(a) { wasm.__wbindgen_free(a); },
    __wbg_now_fedcba9876543210: function() { return Date.now(); },
    memory_import: new WebAssembly.Memory({ initial: 1 }),
};
const imports = { "./x_bg.js": import0 };
export function mount() { return wasm.mount(); }
const notwasm = { mount: 1 }; notwasm.mount;
"#;

    #[test]
    fn both_sides_get_the_same_short_names_and_the_rest_is_kept() {
        let wasm = module(
            GLUE_MODULE,
            ["__wbg_log_0123456789abcdef", "__wbg_now_fedcba9876543210", "memory_import"],
            ["mount", "__wbindgen_free"],
        );
        let renamed = shorten(&wasm, GLUE, GLUE_MODULE).unwrap();
        // The import from elsewhere keeps its module and name.
        assert_eq!(renamed.wasm, module("a", ["a", "b", "c"], ["a", "b"]));
        assert_eq!(
            renamed.glue,
            r#"const import0 = {
    a: function(a) { wasm.b(a); },
    b: function() { return Date.now(); },
    c: new WebAssembly.Memory({ initial: 1 }),
};
const imports = { "a": import0 };
export function mount() { return wasm.a(); }
const notwasm = { mount: 1 }; notwasm.mount;
"#
        );
    }

    #[test]
    fn a_module_and_glue_that_do_not_match_are_refused() {
        const IMPORTS: [&str; 3] = ["__wbg_log_0123456789abcdef", "__wbg_now_fedcba9876543210", "memory_import"];
        const EXPORTS: [&str; 2] = ["mount", "__wbindgen_free"];
        let other_module = GLUE.replace("./x_bg.js", "./y_bg.js");
        let name_reused = format!("{GLUE}let memory_import = 1;\n");
        let gone = ["__wbg_log_0123456789abcdef", "__wbg_gone_0000000000000000", "memory_import"];
        // What is wrong, the module's imports and exports, the glue, and what the error says.
        type Case<'a> = (&'a str, [&'a str; 3], [&'a str; 2], &'a str, &'a str);
        let cases: [Case; 4] = [
            ("an export the glue reads is missing", IMPORTS, ["mount", "other"], GLUE, "wasm.__wbindgen_free"),
            ("the glue names another import module", IMPORTS, EXPORTS, &other_module, "import module"),
            ("an import the glue does not name", gone, EXPORTS, GLUE, "__wbg_gone_0000000000000000 0 times"),
            ("an import name the glue also uses elsewhere", IMPORTS, EXPORTS, &name_reused, "memory_import 2 times"),
        ];
        for (case, imports, exports, glue, expected) in cases {
            let error = shorten(&module(GLUE_MODULE, imports, exports), glue, GLUE_MODULE).err();
            assert!(error.as_deref().is_some_and(|e| e.contains(expected)), "{case}: {error:?}");
        }
    }

    #[test]
    fn a_truncated_module_is_an_error_not_a_panic() {
        let wasm = module(
            GLUE_MODULE,
            ["__wbg_log_0123456789abcdef", "__wbg_now_fedcba9876543210", "memory_import"],
            ["mount", "__wbindgen_free"],
        );
        for len in 0..wasm.len() {
            let _ = shorten(&wasm[..len], GLUE, GLUE_MODULE);
        }
        assert!(shorten(&wasm[..wasm.len() - 1], GLUE, GLUE_MODULE).is_err());
        assert!(shorten(b"\0asm\x02\0\0\0", GLUE, GLUE_MODULE).is_err());
    }

    #[test]
    fn short_names_are_distinct_identifiers() {
        let mut names = ShortNames::default();
        let all: Vec<String> = (0..5000).map(|_| names.next()).collect();
        assert_eq!(all[0], "a");
        assert_eq!(all[52], "a0");
        let distinct: std::collections::HashSet<&String> = all.iter().collect();
        assert_eq!(distinct.len(), all.len());
        assert!(all
            .iter()
            .all(|n| n.starts_with(|c: char| c.is_ascii_alphabetic()) && n.chars().all(is_identifier_char)));
    }
}
