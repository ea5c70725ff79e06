//! The interface's languages: Vietnamese first, English on request. Every string a page
//! shows comes from a Fluent catalog (`hoso/locales/<lang>.ftl`, compiled in); templates
//! hold only keys. A key missing from a catalog shows as the key itself, and a test holds
//! every key the templates use against both catalogs.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// The other language, which the toggle offers.
    pub fn other(self) -> Lang {
        match self {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        }
    }

    fn bundle(self) -> &'static FluentBundle<FluentResource> {
        match self {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }

    /// The message `key`, or the key itself when the catalog lacks it.
    pub fn t(self, key: &str) -> String {
        self.format(key, None)
    }

    /// The message `key` with one argument `$name`.
    pub fn t1(self, key: &str, name: &str, value: impl ToString) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_string(), FluentValue::from(value.to_string()));
        self.format(key, Some(&args))
    }

    fn format(self, key: &str, args: Option<&FluentArgs>) -> String {
        let bundle = self.bundle();
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            return key.to_string();
        };
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }

    #[cfg(test)]
    pub fn has(self, key: &str) -> bool {
        self.bundle().has_message(key)
    }
}

fn load(lang: &str, source: &'static str) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = lang.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Isolation marks would end up inside attributes and test ids.
    bundle.set_use_isolating(false);
    match FluentResource::try_new(source.to_string()) {
        Ok(resource) => {
            if let Err(errors) = bundle.add_resource(resource) {
                tracing::error!(lang, ?errors, "duplicate messages in the catalog");
            }
        }
        Err((resource, errors)) => {
            tracing::error!(lang, ?errors, "the catalog has syntax errors");
            let _ = bundle.add_resource(resource);
        }
    }
    bundle
}

static VI: LazyLock<FluentBundle<FluentResource>> =
    LazyLock::new(|| load("vi", include_str!("../../locales/vi.ftl")));
static EN: LazyLock<FluentBundle<FluentResource>> =
    LazyLock::new(|| load("en", include_str!("../../locales/en.ftl")));

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `t("…")`, `t1("…"` and `data-i18n`-free key the templates and the Rust code of
    /// the interface use must be in both catalogs, and the catalogs must parse.
    #[test]
    fn every_key_used_is_in_both_catalogs() {
        for (lang, source) in [
            ("vi", include_str!("../../locales/vi.ftl")),
            ("en", include_str!("../../locales/en.ftl")),
        ] {
            assert!(
                FluentResource::try_new(source.to_string()).is_ok(),
                "{lang}"
            );
        }
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut sources: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        let code = concat!(env!("CARGO_MANIFEST_DIR"), "/src/web");
        for e in std::fs::read_dir(code).unwrap() {
            sources.push(std::fs::read_to_string(e.unwrap().path()).unwrap());
        }
        let pattern = regex::Regex::new(r#"\bt1?\("([a-z0-9-]+)""#).unwrap();
        let mut keys = 0;
        for source in &sources {
            for cap in pattern.captures_iter(source) {
                keys += 1;
                for lang in [Lang::Vi, Lang::En] {
                    assert!(lang.has(&cap[1]), "{} lacks {}", lang.code(), &cap[1]);
                }
            }
        }
        assert!(keys > 50, "found only {keys} keys");
    }

    #[test]
    fn arguments_are_filled_in() {
        assert_eq!(
            Lang::En.t1("signed-in-as", "name", "lan"),
            "Signed in as lan"
        );
        assert_eq!(Lang::Vi.t(&String::from("no-such-key")), "no-such-key");
    }
}
