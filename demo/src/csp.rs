//! The demo pages' strict policies (xtask's load test checks, over TCP, what they must say).

/// The strict Content-Security-Policy (no `unsafe-inline`) of the demo's `csp.html`: the CSP a
/// careful commune publishes, under which the widget must work.
pub const STRICT_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// The same, requiring Trusted Types with no policy allowed (`trusted-types.html`): a page where
/// any markup made from a string is refused.
pub const TRUSTED_TYPES_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'";
