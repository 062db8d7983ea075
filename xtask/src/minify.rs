//! Code as the browser downloads it. JavaScript (the loader and the glue) is minified by oxc,
//! the minifier Rolldown uses: comments and whitespace go, local names get short (about
//! 2.8 KB brotli of the widget). The stylesheet loses its comments and spare whitespace. The
//! sources stay readable in the repository.

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

/// The stylesheet without comments and without whitespace that means nothing: runs become one
/// space, and none is kept beside `{`, `}`, `;`, `,` or `>`, nor after `:`. Quoted strings are
/// kept as they are. (A space before `:` means something in a selector, `.a :focus`, and spaces
/// around `+` in `calc()`: they stay.)
pub fn minify_css(source: &str) -> String {
    const TIGHT: &[char] = &['{', '}', ';', ',', '>'];
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    let mut space = false;
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                space = true;
            }
            c if c.is_whitespace() => space = true,
            c => {
                if space && !out.is_empty() && !out.ends_with(TIGHT) && !out.ends_with(':') && !TIGHT.contains(&c) {
                    out.push(' ');
                }
                space = false;
                if c == '}' && out.ends_with(';') {
                    out.pop();
                }
                out.push(c);
                if c == '"' || c == '\'' {
                    for inner in chars.by_ref() {
                        out.push(inner);
                        if inner == c {
                            break;
                        }
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_loses_comments_and_spare_spaces_but_keeps_meaning() {
        let source = "/* theme */\n:host {\n  all: initial; /* reset */\n  display: block;\n}\n\n\
            .a > .b, .c :focus { font-family: \"Segoe  UI\", Arial; width: calc(1em + 2px); }\n\
            @media (max-width: 44em) { .d { content: '/* not a comment */'; } }\n";
        assert_eq!(
            minify_css(source),
            ":host{all:initial;display:block}.a>.b,.c :focus{font-family:\"Segoe  UI\",Arial;width:calc(1em + 2px)}\
             @media (max-width:44em){.d{content:'/* not a comment */'}}"
        );
    }

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
