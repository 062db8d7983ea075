//! The demo server's HTTP contract: MIME types, compression, caching, CORS, security headers,
//! no raw precompressed copy. Needs the widget built first (`cargo xtask test` does that).

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

async fn get(path: &str, accept_encoding: Option<&str>) -> axum::http::Response<Body> {
    let mut request = Request::builder().uri(path);
    if let Some(encoding) = accept_encoding {
        request = request.header(header::ACCEPT_ENCODING, encoding);
    }
    aiguillage_demo::app().unwrap().oneshot(request.body(Body::empty()).unwrap()).await.unwrap()
}

fn header_of(response: &axum::http::Response<Body>, name: header::HeaderName) -> String {
    response.headers().get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

/// The hashed name of the widget's wasm, as the loader names it.
async fn wasm_path() -> String {
    let loader = get("/widget/aiguillage.js", None).await;
    assert_eq!(loader.status(), StatusCode::OK, "build the widget first: cargo xtask dist");
    let text = String::from_utf8(loader.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    let start = text.find("aiguillage_widget_bg.").expect("the loader names the wasm");
    let end = start + text[start..].find(".wasm").unwrap() + 5;
    format!("/widget/{}", &text[start..end])
}

#[tokio::test]
async fn wasm_is_served_as_application_wasm_compressed_and_immutable() {
    let path = wasm_path().await;
    let plain = get(&path, None).await;
    assert_eq!(plain.status(), StatusCode::OK);
    assert_eq!(header_of(&plain, header::CONTENT_TYPE), "application/wasm");
    assert_eq!(header_of(&plain, header::CONTENT_ENCODING), "");
    assert_eq!(header_of(&plain, header::CACHE_CONTROL), "public, max-age=31536000, immutable");
    let brotli = get(&path, Some("gzip, deflate, br")).await;
    assert_eq!(header_of(&brotli, header::CONTENT_ENCODING), "br");
    assert_eq!(header_of(&brotli, header::CONTENT_TYPE), "application/wasm");
    assert_eq!(header_of(&brotli, header::VARY), "Accept-Encoding");
    let gzip = get(&path, Some("gzip")).await;
    assert_eq!(header_of(&gzip, header::CONTENT_ENCODING), "gzip");
    let plain_len = plain.into_body().collect().await.unwrap().to_bytes().len();
    let brotli_len = brotli.into_body().collect().await.unwrap().to_bytes().len();
    assert!(brotli_len * 2 < plain_len, "brotli {brotli_len} vs plain {plain_len}");
}

#[tokio::test]
async fn the_loader_and_data_keep_stable_names_and_are_revalidated() {
    let loader = get("/widget/aiguillage.js", None).await;
    assert_eq!(header_of(&loader, header::CONTENT_TYPE), "text/javascript; charset=utf-8");
    assert_eq!(header_of(&loader, header::CACHE_CONTROL), "no-cache");
    assert_eq!(header_of(&loader, header::ACCESS_CONTROL_ALLOW_ORIGIN), "*");
    let data = get("/widget/data/default.bin", Some("br")).await;
    assert_eq!(data.status(), StatusCode::OK);
    assert_eq!(header_of(&data, header::CONTENT_ENCODING), "br");
}

#[tokio::test]
async fn pages_carry_security_headers_and_the_csp_page_its_policy() {
    for page in ["/", "/guichet.html", "/intranet.html", "/csp.html", "/hostile.html", "/deux.html", "/absent.html"] {
        let response = get(page, None).await;
        assert_eq!(response.status(), StatusCode::OK, "{page}");
        assert_eq!(header_of(&response, header::CONTENT_TYPE), "text/html; charset=utf-8", "{page}");
        assert_eq!(header_of(&response, header::X_CONTENT_TYPE_OPTIONS), "nosniff", "{page}");
        assert_eq!(header_of(&response, header::REFERRER_POLICY), "no-referrer", "{page}");
    }
    let csp = header_of(&get("/csp.html", None).await, header::CONTENT_SECURITY_POLICY);
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"), "{csp}");
}

/// The embedded copies exist (`aiguillage.js.br` is in the binary): they are sent only as the
/// coding of their file, never as themselves. (Path traversal cannot happen here, the files are
/// embedded: it is tested where it could, on the coordinator's folder, server/tests/router.rs.)
#[tokio::test]
async fn no_raw_compressed_copies() {
    for path in
        ["/widget/aiguillage.js.br", "/widget/data/default.bin.gz", "/widget/data/default.bin.sha256", "/nope.html"]
    {
        let response = get(path, None).await;
        assert!(
            matches!(response.status(), StatusCode::NOT_FOUND | StatusCode::BAD_REQUEST),
            "{path} answered {}",
            response.status()
        );
    }
}
