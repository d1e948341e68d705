//! Recorded user flows: the Chrome DevTools Recorder's JSON export (the
//! `@puppeteer/replay` schema), parsed into [`Recording`] for the replay in
//! [`gather`](crate::gather).
//!
//! Pure: no browser, no file system. Unknown fields (`assertedEvents`,
//! `target`, `frame`, `deviceType`, `selectorAttribute`...) are ignored; an
//! unknown step type is an error that names the step.

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use std::fmt;

/// A recording: a title and the steps to replay, in order.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Recording {
    /// The recording's `title`.
    #[serde(default)]
    pub title: Option<String>,
    /// The steps, in order (step numbers in messages are 1-based).
    pub steps: Vec<Step>,
    /// The recording's default step timeout (`timeout`), ms.
    #[serde(default, rename = "timeout")]
    pub timeout_ms: Option<u64>,
}

/// One step of a recording. `selectors` is a list of alternatives, tried in
/// order; each alternative is a chain of selectors through iframes and
/// shadow roots (usually a single one). A selector is CSS unless prefixed
/// `aria/`, `text/`, `xpath/` or `pierce/`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Step {
    /// Emulate a viewport.
    SetViewport {
        /// CSS width, px.
        width: u32,
        /// CSS height, px.
        height: u32,
        /// Device pixel ratio (1 when absent).
        #[serde(default = "one")]
        device_scale_factor: f64,
        /// Mobile emulation.
        #[serde(default)]
        is_mobile: bool,
        /// Touch emulation.
        #[serde(default)]
        has_touch: bool,
    },
    /// Load a URL (see [`rebase`]).
    Navigate {
        /// The URL as recorded.
        url: String,
    },
    /// Click an element.
    Click {
        /// Alternatives, each a chain.
        #[serde(deserialize_with = "selectors", alias = "selector")]
        selectors: Vec<Vec<String>>,
        /// Offset from the element's top-left corner, CSS px.
        #[serde(default)]
        offset_x: Option<f64>,
        /// Offset from the element's top-left corner, CSS px.
        #[serde(default)]
        offset_y: Option<f64>,
        /// `primary`, `auxiliary`, `secondary`, `back` or `forward`.
        #[serde(default)]
        button: Option<String>,
        /// The step's `timeout`, ms.
        #[serde(default, rename = "timeout")]
        timeout_ms: Option<u64>,
    },
    /// Double-click an element.
    DoubleClick {
        /// Alternatives, each a chain.
        #[serde(deserialize_with = "selectors", alias = "selector")]
        selectors: Vec<Vec<String>>,
        /// Offset from the element's top-left corner, CSS px.
        #[serde(default)]
        offset_x: Option<f64>,
        /// Offset from the element's top-left corner, CSS px.
        #[serde(default)]
        offset_y: Option<f64>,
        /// `primary`, `auxiliary`, `secondary`, `back` or `forward`.
        #[serde(default)]
        button: Option<String>,
        /// The step's `timeout`, ms.
        #[serde(default, rename = "timeout")]
        timeout_ms: Option<u64>,
    },
    /// Move the pointer over an element.
    Hover {
        /// Alternatives, each a chain.
        #[serde(deserialize_with = "selectors", alias = "selector")]
        selectors: Vec<Vec<String>>,
        /// The step's `timeout`, ms.
        #[serde(default, rename = "timeout")]
        timeout_ms: Option<u64>,
    },
    /// Set the value of an input, textarea or select.
    Change {
        /// Alternatives, each a chain.
        #[serde(deserialize_with = "selectors", alias = "selector")]
        selectors: Vec<Vec<String>>,
        /// The new value.
        value: String,
        /// The step's `timeout`, ms.
        #[serde(default, rename = "timeout")]
        timeout_ms: Option<u64>,
    },
    /// Press a key (`Enter`, `a`, `Shift`...).
    KeyDown {
        /// The key, as `KeyboardEvent.key`.
        key: String,
    },
    /// Release a key.
    KeyUp {
        /// The key, as `KeyboardEvent.key`.
        key: String,
    },
    /// Scroll the page, or an element when `selectors` is given, to (x, y).
    Scroll {
        /// The element to scroll; the page when absent.
        #[serde(default, deserialize_with = "optional_selectors", alias = "selector")]
        selectors: Option<Vec<Vec<String>>>,
        /// Horizontal scroll position, CSS px (0 when absent).
        #[serde(default)]
        x: f64,
        /// Vertical scroll position, CSS px (0 when absent).
        #[serde(default)]
        y: f64,
    },
    /// Wait until an element (or `count` of them) is in the page.
    WaitForElement {
        /// Alternatives, each a chain.
        #[serde(deserialize_with = "selectors", alias = "selector")]
        selectors: Vec<Vec<String>>,
        /// How many elements (1 when absent).
        #[serde(default)]
        count: Option<usize>,
        /// `==`, `>=` or `<=` (`==` when absent).
        #[serde(default)]
        operator: Option<String>,
        /// The step's `timeout`, ms.
        #[serde(default, rename = "timeout")]
        timeout_ms: Option<u64>,
    },
    /// Wait until a JavaScript expression is truthy.
    WaitForExpression {
        /// The expression, evaluated in the page.
        expression: String,
        /// The step's `timeout`, ms.
        #[serde(default, rename = "timeout")]
        timeout_ms: Option<u64>,
    },
    /// Close the page.
    Close,
}

/// The step types perfscope replays, in the recording's spelling.
pub const STEP_TYPES: [&str; 12] = [
    "setViewport",
    "navigate",
    "click",
    "doubleClick",
    "hover",
    "change",
    "keyDown",
    "keyUp",
    "scroll",
    "waitForElement",
    "waitForExpression",
    "close",
];

/// `waitForElement` operators.
const OPERATORS: [&str; 3] = ["==", ">=", "<="];

fn one() -> f64 {
    1.0
}

impl Step {
    /// The step's type in the recording's spelling (`click`, `keyDown`...).
    pub fn kind(&self) -> &'static str {
        match self {
            Step::SetViewport { .. } => "setViewport",
            Step::Navigate { .. } => "navigate",
            Step::Click { .. } => "click",
            Step::DoubleClick { .. } => "doubleClick",
            Step::Hover { .. } => "hover",
            Step::Change { .. } => "change",
            Step::KeyDown { .. } => "keyDown",
            Step::KeyUp { .. } => "keyUp",
            Step::Scroll { .. } => "scroll",
            Step::WaitForElement { .. } => "waitForElement",
            Step::WaitForExpression { .. } => "waitForExpression",
            Step::Close => "close",
        }
    }

    /// The step's selector alternatives, when it acts on an element.
    pub fn selectors(&self) -> Option<&[Vec<String>]> {
        match self {
            Step::Click { selectors, .. }
            | Step::DoubleClick { selectors, .. }
            | Step::Hover { selectors, .. }
            | Step::Change { selectors, .. }
            | Step::WaitForElement { selectors, .. } => Some(selectors),
            Step::Scroll { selectors, .. } => selectors.as_deref(),
            _ => None,
        }
    }

    /// The step's own `timeout`, ms, when it has one.
    pub fn timeout_ms(&self) -> Option<u64> {
        match self {
            Step::Click { timeout_ms, .. }
            | Step::DoubleClick { timeout_ms, .. }
            | Step::Hover { timeout_ms, .. }
            | Step::Change { timeout_ms, .. }
            | Step::WaitForElement { timeout_ms, .. }
            | Step::WaitForExpression { timeout_ms, .. } => *timeout_ms,
            _ => None,
        }
    }

    /// One line for messages: the type and what it acts on, e.g.
    /// `click on ["#buy", "aria/Buy now"]` (a chain is shown joined by
    /// ` >> `). A `change` step's value is left out (it may be a password).
    pub fn describe(&self) -> String {
        let kind = self.kind();
        match self {
            Step::SetViewport {
                width,
                height,
                device_scale_factor,
                ..
            } => format!("{kind} {width}x{height} @{device_scale_factor}x"),
            Step::Navigate { url } => format!("{kind} to {url:?}"),
            Step::KeyDown { key } | Step::KeyUp { key } => format!("{kind} {key:?}"),
            Step::Scroll { selectors, x, y } => match selectors {
                Some(selectors) => {
                    format!("{kind} on {} to ({x}, {y})", format_selectors(selectors))
                }
                None => format!("{kind} to ({x}, {y})"),
            },
            Step::WaitForExpression { expression, .. } => format!("{kind} {expression:?}"),
            Step::Close => kind.to_string(),
            Step::Click { selectors, .. }
            | Step::DoubleClick { selectors, .. }
            | Step::Hover { selectors, .. }
            | Step::Change { selectors, .. }
            | Step::WaitForElement { selectors, .. } => {
                format!("{kind} on {}", format_selectors(selectors))
            }
        }
    }
}

/// `["#buy", "aria/Buy now", "iframe >> #pay"]`.
fn format_selectors(selectors: &[Vec<String>]) -> String {
    let items: Vec<String> = selectors
        .iter()
        .map(|chain| format!("{:?}", chain.join(" >> ")))
        .collect();
    format!("[{}]", items.join(", "))
}

/// Parses a Chrome DevTools Recorder export.
///
/// Errors name the problem: invalid JSON with serde's line and column; a
/// bad step with its 1-based number and type (and the line and column);
/// an unknown step type (`customStep`...); no steps; empty selectors; an
/// unknown `waitForElement` operator.
pub fn parse(text: &str) -> Result<Recording, String> {
    let recording = match serde_json::from_str::<Recording>(text) {
        Ok(recording) => recording,
        Err(err) if err.is_data() => return Err(locate(text, &err)),
        Err(err) => return Err(format!("not a valid recording (JSON): {err}")),
    };
    if recording.steps.is_empty() {
        return Err("the recording has no steps".into());
    }
    for (i, step) in recording.steps.iter().enumerate() {
        let number = i + 1;
        let kind = step.kind();
        if let Some(selectors) = step.selectors()
            && (selectors.is_empty() || selectors.iter().any(|chain| chain.is_empty()))
        {
            return Err(format!(
                "step {number} ({kind}): empty `selectors` (each alternative needs at least one selector)"
            ));
        }
        if let Step::WaitForElement {
            operator: Some(op), ..
        } = step
            && !OPERATORS.contains(&op.as_str())
        {
            return Err(format!(
                "step {number} ({kind}): unknown operator {op:?} (expected \"==\", \">=\" or \"<=\")"
            ));
        }
    }
    Ok(recording)
}

/// A data error of the typed parse, with the step it happened in: the JSON
/// is read again untyped and each step is parsed on its own; the first
/// that fails is the culprit.
fn locate(text: &str, err: &serde_json::Error) -> String {
    // Serde's position: at the `type` for an unknown type, else at the end
    // of the step (a step is read whole before its fields).
    let at = format!("at line {} column {}", err.line(), err.column());
    let steps = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|value| match value.get("steps") {
            Some(serde_json::Value::Array(steps)) => Some(steps.clone()),
            _ => None,
        });
    let Some(steps) = steps else {
        return format!("not a valid recording: {err}");
    };
    for (i, step) in steps.into_iter().enumerate() {
        let number = i + 1;
        let kind = match step.get("type") {
            Some(serde_json::Value::String(kind)) => kind.clone(),
            Some(other) => {
                return format!("step {number}: `type` must be a string, not {other} ({at})");
            }
            None => return format!("step {number}: no `type` ({at})"),
        };
        if !STEP_TYPES.contains(&kind.as_str()) {
            return format!(
                "step {number}: unknown step type {kind:?} ({at}); perfscope replays {}",
                STEP_TYPES.join(", ")
            );
        }
        if let Err(step_err) = serde_json::from_value::<Step>(step) {
            return format!("step {number} ({kind}): {step_err} ({at})");
        }
    }
    format!("not a valid recording: {err}")
}

/// `selectors`: a list whose items are a selector or a chain of selectors;
/// a lone string is one alternative.
fn selectors<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Vec<String>>, D::Error> {
    deserializer.deserialize_any(SelectorsVisitor)
}

fn optional_selectors<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<Vec<String>>>, D::Error> {
    struct OptionalVisitor;
    impl<'de> Visitor<'de> for OptionalVisitor {
        type Value = Option<Vec<Vec<String>>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("null or a list of selectors")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            selectors(d).map(Some)
        }
    }
    deserializer.deserialize_option(OptionalVisitor)
}

struct SelectorsVisitor;

impl<'de> Visitor<'de> for SelectorsVisitor {
    type Value = Vec<Vec<String>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of selectors, each a string or a list of strings")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(vec![vec![s.to_string()]])
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(Alternative(chain)) = seq.next_element()? {
            out.push(chain);
        }
        Ok(out)
    }
}

/// One alternative: a selector, or a chain of them.
struct Alternative(Vec<String>);

impl<'de> Deserialize<'de> for Alternative {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AlternativeVisitor;
        impl<'de> Visitor<'de> for AlternativeVisitor {
            type Value = Alternative;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a selector string or a list of selector strings")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Alternative(vec![s.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut chain = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    chain.push(s);
                }
                Ok(Alternative(chain))
            }
        }
        deserializer.deserialize_any(AlternativeVisitor)
    }
}

/// The origin (`scheme://host[:port]`, the port only when not the
/// scheme's default) of the recording's first `navigate` step; `None`
/// without one, or when its URL has no origin (`{origin}/...`,
/// `about:blank`, `data:`...).
pub fn recorded_origin(rec: &Recording) -> Option<String> {
    let url = rec.steps.iter().find_map(|step| match step {
        Step::Navigate { url } => Some(url),
        _ => None,
    })?;
    origin_of(url)
}

/// The tuple origin of an absolute URL.
fn origin_of(url: &str) -> Option<String> {
    let origin = url::Url::parse(url).ok()?.origin();
    origin.is_tuple().then(|| origin.ascii_serialization())
}

/// A URL of the recording, rebased onto the target perfscope serves or
/// starts (`target_origin`, without a trailing slash or with one):
/// - `{origin}` placeholders are replaced by the target origin
///   (`{origin}/checkout`);
/// - a URL on the recorded origin (see [`recorded_origin`]) gets the
///   target origin instead, keeping its path, query and fragment as written;
/// - any other URL (another site, `about:blank`) is returned unchanged.
pub fn rebase(url: &str, recorded_origin: Option<&str>, target_origin: &str) -> String {
    let target = target_origin.trim_end_matches('/');
    if url.contains("{origin}") {
        return url.replace("{origin}", target);
    }
    let Some(recorded) = recorded_origin else {
        return url.to_string();
    };
    let recorded = origin_of(recorded).unwrap_or_else(|| recorded.trim_end_matches('/').into());
    let Ok(parsed) = url::Url::parse(url) else {
        return url.to_string();
    };
    let origin = parsed.origin();
    if !origin.is_tuple() || origin.ascii_serialization() != recorded {
        return url.to_string();
    }
    let rest = &parsed[url::Position::BeforePath..];
    // `Url` writes `/` for an empty path; keep a bare origin bare.
    let rest = if rest == "/" && !has_path(url) {
        ""
    } else {
        rest
    };
    format!("{target}{rest}")
}

/// Whether an absolute URL as written has a path after its authority.
fn has_path(url: &str) -> bool {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme.contains('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Chrome DevTools Recorder export (Chrome 120s), as saved with
    /// "Export as a JSON file".
    const CHECKOUT: &str = r###"{
    "title": "Checkout",
    "timeout": 7000,
    "steps": [
        {
            "type": "setViewport",
            "width": 1280,
            "height": 720,
            "deviceScaleFactor": 1,
            "isMobile": false,
            "hasTouch": false,
            "isLandscape": false
        },
        {
            "type": "navigate",
            "url": "http://localhost:3000/products/42?ref=home#reviews",
            "assertedEvents": [
                {
                    "type": "navigation",
                    "url": "http://localhost:3000/products/42?ref=home#reviews",
                    "title": "Blue mug – Shop"
                }
            ]
        },
        {
            "type": "click",
            "target": "main",
            "selectors": [
                [
                    "aria/Add to cart"
                ],
                [
                    "#add"
                ],
                [
                    "xpath///*[@id=\"add\"]"
                ],
                [
                    "pierce/#add"
                ],
                [
                    "text/Add to cart"
                ]
            ],
            "offsetX": 41.5,
            "offsetY": 12
        },
        {
            "type": "click",
            "target": "main",
            "selectors": [
                [
                    "aria/Cart (1)"
                ],
                [
                    "header a.cart"
                ]
            ],
            "offsetX": 20,
            "offsetY": 18.25,
            "assertedEvents": [
                {
                    "type": "navigation",
                    "url": "http://localhost:3000/cart",
                    "title": "Cart – Shop"
                }
            ]
        },
        {
            "type": "change",
            "value": "SUMMER24",
            "selectors": [
                [
                    "aria/Coupon code"
                ],
                [
                    "#coupon"
                ]
            ],
            "target": "main"
        },
        {
            "type": "keyDown",
            "target": "main",
            "key": "Enter"
        },
        {
            "type": "keyUp",
            "key": "Enter",
            "target": "main"
        },
        {
            "type": "scroll",
            "target": "main",
            "x": 0,
            "y": 640
        },
        {
            "type": "waitForElement",
            "timeout": 3000,
            "selectors": [
                [
                    "#total"
                ]
            ],
            "count": 1,
            "operator": ">=",
            "visible": true
        },
        {
            "type": "doubleClick",
            "target": "main",
            "selectors": [
                [
                    "iframe#pay",
                    "button.confirm"
                ]
            ],
            "offsetX": 5,
            "offsetY": 5,
            "button": "primary",
            "deviceType": "mouse",
            "duration": 0,
            "frame": [
                0
            ]
        },
        {
            "type": "hover",
            "selectors": [
                [
                    "aria/Help"
                ]
            ],
            "timeout": 1500
        },
        {
            "type": "waitForExpression",
            "expression": "document.querySelectorAll('.line').length > 0"
        },
        {
            "type": "close"
        }
    ]
}"###;

    fn sel(items: &[&str]) -> Vec<Vec<String>> {
        items.iter().map(|s| vec![s.to_string()]).collect()
    }

    #[test]
    fn parses_a_devtools_export() {
        let rec = parse(CHECKOUT).unwrap();
        assert_eq!(rec.title.as_deref(), Some("Checkout"));
        assert_eq!(rec.timeout_ms, Some(7000));
        let kinds: Vec<&str> = rec.steps.iter().map(Step::kind).collect();
        assert_eq!(
            kinds,
            [
                "setViewport",
                "navigate",
                "click",
                "click",
                "change",
                "keyDown",
                "keyUp",
                "scroll",
                "waitForElement",
                "doubleClick",
                "hover",
                "waitForExpression",
                "close"
            ]
        );
        assert_eq!(
            rec.steps[0],
            Step::SetViewport {
                width: 1280,
                height: 720,
                device_scale_factor: 1.0,
                is_mobile: false,
                has_touch: false
            }
        );
        assert_eq!(
            rec.steps[1],
            Step::Navigate {
                url: "http://localhost:3000/products/42?ref=home#reviews".into()
            }
        );
        assert_eq!(
            rec.steps[2],
            Step::Click {
                selectors: sel(&[
                    "aria/Add to cart",
                    "#add",
                    "xpath///*[@id=\"add\"]",
                    "pierce/#add",
                    "text/Add to cart"
                ]),
                offset_x: Some(41.5),
                offset_y: Some(12.0),
                button: None,
                timeout_ms: None
            }
        );
        assert_eq!(
            rec.steps[4],
            Step::Change {
                selectors: sel(&["aria/Coupon code", "#coupon"]),
                value: "SUMMER24".into(),
                timeout_ms: None
            }
        );
        assert_eq!(
            rec.steps[5],
            Step::KeyDown {
                key: "Enter".into()
            }
        );
        assert_eq!(
            rec.steps[6],
            Step::KeyUp {
                key: "Enter".into()
            }
        );
        assert_eq!(
            rec.steps[7],
            Step::Scroll {
                selectors: None,
                x: 0.0,
                y: 640.0
            }
        );
        assert_eq!(
            rec.steps[8],
            Step::WaitForElement {
                selectors: sel(&["#total"]),
                count: Some(1),
                operator: Some(">=".into()),
                timeout_ms: Some(3000)
            }
        );
        assert_eq!(
            rec.steps[9],
            Step::DoubleClick {
                selectors: vec![vec!["iframe#pay".into(), "button.confirm".into()]],
                offset_x: Some(5.0),
                offset_y: Some(5.0),
                button: Some("primary".into()),
                timeout_ms: None
            }
        );
        assert_eq!(rec.steps[10].timeout_ms(), Some(1500));
        assert_eq!(
            rec.steps[11],
            Step::WaitForExpression {
                expression: "document.querySelectorAll('.line').length > 0".into(),
                timeout_ms: None
            }
        );
        assert_eq!(rec.steps[12], Step::Close);
    }

    #[test]
    fn accepts_plain_string_selectors() {
        let rec = parse(
            r##"{"steps": [
                {"type": "click", "selectors": ["#buy", "aria/Buy now", ["my-app", "pierce/#pay"]]},
                {"type": "hover", "selector": "#menu"},
                {"type": "scroll", "selectors": "#list", "y": 200},
                {"type": "scroll", "selectors": null}
            ]}"##,
        )
        .unwrap();
        assert_eq!(rec.title, None);
        assert_eq!(rec.timeout_ms, None);
        assert_eq!(
            rec.steps[0].selectors().unwrap(),
            [
                vec!["#buy".to_string()],
                vec!["aria/Buy now".to_string()],
                vec!["my-app".to_string(), "pierce/#pay".to_string()]
            ]
        );
        assert_eq!(rec.steps[1].selectors().unwrap(), sel(&["#menu"]));
        assert_eq!(
            rec.steps[2],
            Step::Scroll {
                selectors: Some(sel(&["#list"])),
                x: 0.0,
                y: 200.0
            }
        );
        assert_eq!(rec.steps[3].selectors(), None);
    }

    #[test]
    fn defaults_of_set_viewport() {
        let rec =
            parse(r#"{"steps": [{"type": "setViewport", "width": 390, "height": 844}]}"#).unwrap();
        assert_eq!(
            rec.steps[0],
            Step::SetViewport {
                width: 390,
                height: 844,
                device_scale_factor: 1.0,
                is_mobile: false,
                has_touch: false
            }
        );
    }

    #[test]
    fn unknown_step_type_names_the_step() {
        let err = parse(
            r#"{"title": "t", "steps": [
                {"type": "navigate", "url": "http://localhost:3000/"},
                {"type": "customStep", "name": "x", "parameters": {}}
            ]}"#,
        )
        .unwrap_err();
        assert!(
            err.starts_with("step 2: unknown step type \"customStep\""),
            "{err}"
        );
        assert!(err.contains("(at line 3 column 37)"), "{err}");
        assert!(
            err.contains("perfscope replays setViewport, navigate"),
            "{err}"
        );
    }

    #[test]
    fn bad_step_names_number_type_and_problem() {
        let err = parse(
            r#"{"steps": [
                {"type": "navigate", "url": "http://localhost:3000/"},
                {"type": "keyDown", "key": "a"},
                {"type": "click", "offsetX": 3}]}"#,
        )
        .unwrap_err();
        assert!(
            err.starts_with("step 3 (click): missing field `selectors`"),
            "{err}"
        );
        assert!(err.contains("(at line 4 column 48)"), "{err}");

        let err = parse(r#"{"steps": [{"type": "navigate", "url": 3}]}"#).unwrap_err();
        assert!(
            err.starts_with("step 1 (navigate): invalid type: integer `3`"),
            "{err}"
        );

        let err = parse(r#"{"steps": [{"url": "http://x/"}]}"#).unwrap_err();
        assert!(err.starts_with("step 1: no `type`"), "{err}");

        let err = parse(r#"{"steps": [{"type": 4}]}"#).unwrap_err();
        assert!(err.starts_with("step 1: `type` must be a string"), "{err}");

        let err = parse(r#"{"steps": [{"type": "click", "selectors": [3]}]}"#).unwrap_err();
        assert!(
            err.contains("expected a selector string or a list of selector strings"),
            "{err}"
        );
    }

    #[test]
    fn invalid_json_has_line_and_column() {
        let err = parse("{\"steps\": [\n  {\"type\": \"close\"},\n]}").unwrap_err();
        assert!(err.starts_with("not a valid recording (JSON): "), "{err}");
        assert!(err.contains("line 3 column 1"), "{err}");
        let err = parse("").unwrap_err();
        assert!(err.contains("EOF"), "{err}");
    }

    #[test]
    fn structural_errors_outside_steps() {
        let err = parse(r#"{"title": "t"}"#).unwrap_err();
        assert!(err.contains("missing field `steps`"), "{err}");
        let err = parse(r#"{"title": 3, "steps": []}"#).unwrap_err();
        assert!(err.contains("invalid type: integer `3`"), "{err}");
        assert!(err.contains("line 1 column"), "{err}");
        let err = parse(r#"[{"type": "close"}]"#).unwrap_err();
        assert!(err.starts_with("not a valid recording: "), "{err}");
        assert_eq!(
            parse(r#"{"title": "t", "steps": []}"#).unwrap_err(),
            "the recording has no steps"
        );
    }

    #[test]
    fn empty_selectors_and_bad_operator_are_errors() {
        let err = parse(r#"{"steps": [{"type": "close"}, {"type": "click", "selectors": []}]}"#)
            .unwrap_err();
        assert!(
            err.starts_with("step 2 (click): empty `selectors`"),
            "{err}"
        );
        let err =
            parse(r##"{"steps": [{"type": "hover", "selectors": [["#a"], []]}]}"##).unwrap_err();
        assert!(
            err.starts_with("step 1 (hover): empty `selectors`"),
            "{err}"
        );
        let err = parse(
            r##"{"steps": [{"type": "waitForElement", "selectors": ["#a"], "operator": ">"}]}"##,
        )
        .unwrap_err();
        assert!(
            err.starts_with("step 1 (waitForElement): unknown operator \">\""),
            "{err}"
        );
    }

    #[test]
    fn kind_round_trips_every_type() {
        for kind in STEP_TYPES {
            let json = match kind {
                "setViewport" => r#"{"type": "setViewport", "width": 1, "height": 1}"#.into(),
                "navigate" => r#"{"type": "navigate", "url": "http://a/"}"#.into(),
                "keyDown" | "keyUp" => format!(r#"{{"type": "{kind}", "key": "a"}}"#),
                "change" => r##"{"type": "change", "selectors": ["#a"], "value": ""}"##.into(),
                "waitForExpression" => {
                    r#"{"type": "waitForExpression", "expression": "true"}"#.into()
                }
                "scroll" | "close" => format!(r#"{{"type": "{kind}"}}"#),
                _ => format!(r##"{{"type": "{kind}", "selectors": ["#a"]}}"##),
            };
            let rec = parse(&format!(r#"{{"steps": [{json}]}}"#)).unwrap();
            assert_eq!(rec.steps[0].kind(), kind);
        }
    }

    #[test]
    fn describe_names_type_and_selectors() {
        let rec = parse(CHECKOUT).unwrap();
        let lines: Vec<String> = rec.steps.iter().map(Step::describe).collect();
        assert_eq!(
            lines,
            [
                "setViewport 1280x720 @1x",
                "navigate to \"http://localhost:3000/products/42?ref=home#reviews\"",
                r##"click on ["aria/Add to cart", "#add", "xpath///*[@id=\"add\"]", "pierce/#add", "text/Add to cart"]"##,
                r#"click on ["aria/Cart (1)", "header a.cart"]"#,
                r##"change on ["aria/Coupon code", "#coupon"]"##,
                "keyDown \"Enter\"",
                "keyUp \"Enter\"",
                "scroll to (0, 640)",
                r##"waitForElement on ["#total"]"##,
                r#"doubleClick on ["iframe#pay >> button.confirm"]"#,
                r#"hover on ["aria/Help"]"#,
                r#"waitForExpression "document.querySelectorAll('.line').length > 0""#,
                "close",
            ]
        );
        let buy = Step::Click {
            selectors: sel(&["#buy", "aria/Buy now"]),
            offset_x: None,
            offset_y: None,
            button: None,
            timeout_ms: None,
        };
        assert_eq!(buy.describe(), r##"click on ["#buy", "aria/Buy now"]"##);
        let scroll = Step::Scroll {
            selectors: Some(sel(&["#list"])),
            x: 0.0,
            y: 12.5,
        };
        assert_eq!(scroll.describe(), r##"scroll on ["#list"] to (0, 12.5)"##);
    }

    #[test]
    fn selectors_of_steps() {
        let rec = parse(CHECKOUT).unwrap();
        assert_eq!(rec.steps[0].selectors(), None);
        assert_eq!(rec.steps[1].selectors(), None);
        assert_eq!(rec.steps[2].selectors().unwrap().len(), 5);
        assert_eq!(rec.steps[5].selectors(), None);
        assert_eq!(rec.steps[7].selectors(), None);
        assert_eq!(rec.steps[12].selectors(), None);
        assert_eq!(rec.steps[2].timeout_ms(), None);
        assert_eq!(rec.steps[8].timeout_ms(), Some(3000));
        assert_eq!(rec.steps[1].timeout_ms(), None);
    }

    #[test]
    fn recorded_origin_is_the_first_navigate() {
        let rec = parse(CHECKOUT).unwrap();
        assert_eq!(
            recorded_origin(&rec).as_deref(),
            Some("http://localhost:3000")
        );

        let default_port = parse(
            r#"{"steps": [{"type": "navigate", "url": "https://Shop.Example.com:443/a"},
                          {"type": "navigate", "url": "http://other:1/"}]}"#,
        )
        .unwrap();
        assert_eq!(
            recorded_origin(&default_port).as_deref(),
            Some("https://shop.example.com")
        );

        let none = parse(r#"{"steps": [{"type": "keyDown", "key": "a"}]}"#).unwrap();
        assert_eq!(recorded_origin(&none), None);
        let placeholder =
            parse(r#"{"steps": [{"type": "navigate", "url": "{origin}/cart"}]}"#).unwrap();
        assert_eq!(recorded_origin(&placeholder), None);
        let blank = parse(r#"{"steps": [{"type": "navigate", "url": "about:blank"}]}"#).unwrap();
        assert_eq!(recorded_origin(&blank), None);
    }

    #[test]
    fn rebase_replaces_placeholder_and_recorded_origin() {
        let target = "http://127.0.0.1:41234";
        let recorded = Some("http://localhost:3000");
        // Placeholder, with or without a recorded origin, trailing slash on the target.
        assert_eq!(
            rebase("{origin}/checkout", recorded, target),
            "http://127.0.0.1:41234/checkout"
        );
        assert_eq!(
            rebase("{origin}/checkout?step=2", None, "http://127.0.0.1:41234/"),
            "http://127.0.0.1:41234/checkout?step=2"
        );
        assert_eq!(rebase("{origin}", None, target), target);
        // The recorded origin: path, query and fragment kept as written.
        assert_eq!(
            rebase(
                "http://localhost:3000/products/42?ref=home&q=a%20b#reviews",
                recorded,
                target
            ),
            "http://127.0.0.1:41234/products/42?ref=home&q=a%20b#reviews"
        );
        assert_eq!(
            rebase("http://localhost:3000/", recorded, target),
            "http://127.0.0.1:41234/"
        );
        assert_eq!(rebase("http://localhost:3000", recorded, target), target);
        assert_eq!(
            rebase("http://localhost:3000?x=1", recorded, target),
            "http://127.0.0.1:41234/?x=1"
        );
        // Recorded origin given with a trailing slash or a default port.
        assert_eq!(
            rebase(
                "https://shop.example.com/cart",
                Some("https://shop.example.com:443/"),
                target
            ),
            "http://127.0.0.1:41234/cart"
        );
        assert_eq!(
            rebase("http://LOCALHOST:3000/cart", recorded, target),
            "http://127.0.0.1:41234/cart"
        );
    }

    #[test]
    fn rebase_leaves_other_urls() {
        let target = "http://127.0.0.1:41234";
        let recorded = Some("http://localhost:3000");
        for url in [
            "http://localhost:3001/cart",
            "https://localhost:3000/cart",
            "https://accounts.example.com/login?next=http://localhost:3000/",
            "about:blank",
            "data:text/html,<p>hi</p>",
            "/relative/path",
        ] {
            assert_eq!(rebase(url, recorded, target), url);
        }
        assert_eq!(
            rebase("http://localhost:3000/cart", None, target),
            "http://localhost:3000/cart"
        );
    }

    #[test]
    fn rebase_with_recorded_origin_of_the_fixture() {
        let rec = parse(CHECKOUT).unwrap();
        let origin = recorded_origin(&rec);
        let Step::Navigate { url } = &rec.steps[1] else {
            panic!("step 2 is a navigate");
        };
        assert_eq!(
            rebase(url, origin.as_deref(), "http://127.0.0.1:8080"),
            "http://127.0.0.1:8080/products/42?ref=home#reviews"
        );
    }
}
