//! JavaScript as the browser downloads it: the loader and the glue, minified by oxc (the
//! minifier Rolldown uses). The sources stay readable in the repository; what ships drops
//! comments and whitespace and shortens local names (about 2.5 KB brotli of the widget).

use oxc_allocator::Allocator;
use oxc_codegen::{Codegen, CodegenOptions};
use oxc_minifier::{Minifier, MinifierOptions};
use oxc_parser::Parser;
use oxc_span::SourceType;

use crate::steps::Result;

/// Minifies an ES module; `name` says which file a syntax error is in.
pub fn minify_module(source: &str, name: &str) -> Result<String> {
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, source, SourceType::mjs()).parse();
    if let Some(error) = parsed.errors.first() {
        let line = error
            .labels
            .as_ref()
            .and_then(|labels| labels.first())
            .map(|label| source[..label.offset().min(source.len())].lines().count().max(1));
        let at = line.map_or_else(String::new, |line| format!(" (line {line})"));
        return Err(format!("{name}{at}: cannot minify, not valid JavaScript: {}", error.message));
    }
    let mut program = parsed.program;
    let minified = Minifier::new(MinifierOptions::default()).minify(&allocator, &mut program);
    Ok(Codegen::new()
        .with_options(CodegenOptions::minify())
        .with_scoping(minified.scoping)
        .with_private_member_mappings(minified.class_private_mappings)
        .build(&program)
        .code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_and_strings_survive_and_the_rest_shrinks() {
        let source = r#"
// A comment nobody downloads.
const greeting = 'bonjour, ça va ?';
function repeatedly(times) {
    let answer = '';
    for (let index = 0; index < times; index += 1) answer += greeting;
    return answer;
}
export function mount(times) { return repeatedly(times); }
export default mount;
"#;
        let minified = minify_module(source, "test.js").unwrap();
        assert!(minified.len() * 2 < source.len(), "{minified}");
        assert!(minified.contains("bonjour, ça va ?"), "{minified}");
        assert!(minified.contains("mount"), "{minified}");
        assert!(!minified.contains("comment") && !minified.contains("repeatedly"), "{minified}");
    }

    #[test]
    fn a_syntax_error_names_the_file_and_line() {
        let error = minify_module("const a = 1;\nconst = 2;\n", "loader.js").err().unwrap();
        assert!(error.starts_with("loader.js (line 2): cannot minify"), "{error}");
    }
}
