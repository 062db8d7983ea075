//! The root component: loads the bundle, then shows the flow the host asked for.

use std::rc::Rc;

use aiguillage_engine::bundle::Bundle;
use yew::prelude::*;

use crate::config::Config;
use crate::fetch::load_bundle;
use crate::flow::ResidentFlow;

#[derive(Clone)]
enum Load {
    Loading,
    Ready(Rc<Bundle>),
    Failed(String),
}

impl PartialEq for BundleRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// A bundle shared by the components, compared by identity.
#[derive(Clone)]
pub struct BundleRef(pub Rc<Bundle>);

#[function_component(App)]
pub fn app(config: &Config) -> Html {
    let load = use_state(|| Load::Loading);
    {
        let load = load.clone();
        let url = config.data_src.clone();
        use_effect_with(url, move |url| {
            let url = url.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match load_bundle(&url).await {
                    Ok(bundle) => load.set(Load::Ready(Rc::new(bundle))),
                    Err(error) => {
                        web_sys::console::warn_1(&format!("aiguillage: cannot load {url}: {error}").into());
                        load.set(Load::Failed(error));
                    }
                }
            });
        });
    }
    let label = config.title.clone().unwrap_or_else(|| "Aiguillage".into());
    let body = match &*load {
        Load::Loading => html! { <p class="status" role="status">{ "…" }</p> },
        Load::Failed(_) => {
            html! { <p class="status error" role="alert">{ "Les données ne sont pas disponibles." }</p> }
        }
        Load::Ready(bundle) => html! { <ResidentFlow bundle={BundleRef(bundle.clone())} config={config.clone()} /> },
    };
    html! {
        <section class="aiguillage" part="container" aria-label={label} lang={config.lang.code().trim_end_matches("-falc").to_string()}>
            { body }
        </section>
    }
}
