//! The widget is built on Aiguillage's copy of Yew (vendor/yew/AIGUILLAGE.md), which stops the
//! widget if it renders a portal, a suspense or raw HTML, and reconciles lists by position: its
//! code must name none of them, nor set a key.

#[test]
fn the_widget_renders_no_portal_suspense_or_raw_html() {
    let forbidden =
        ["from_html_unchecked", "create_portal", "Suspense", "VRaw", "VPortal", "VSuspense", " key=", "Key::from"];
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut read = 0;
    for entry in std::fs::read_dir(&src).expect("widget/src") {
        let path = entry.expect("an entry").path();
        let code = std::fs::read_to_string(&path).expect("a source file");
        read += 1;
        for name in forbidden {
            assert!(!code.contains(name), "{} names {name}: Aiguillage's copy of Yew cannot render it", path.display());
        }
    }
    assert!(read > 5, "the widget's sources were read ({read} files)");
}
