//! Where the components the React hook saw are defined: V8's
//! `[[FunctionLocation]]` of each component function the init script kept
//! (`__perfscope.typeFns`), read over CDP when the run settles.
//!
//! `Runtime.getProperties` on a function lists `[[FunctionLocation]]`
//! among its internal properties, a `RemoteObject` of subtype
//! `internal#location` whose value is `{scriptId, lineNumber,
//! columnNumber}` — the function's start, on the same basis as a CPU
//! profile's call frames. chromiumoxide 0.9.1's `RemoteObject` does not
//! know that subtype and fails the whole reply, so the two commands here
//! are declared with replies of our own that read only what is needed.

use std::borrow::Cow;

use chromiumoxide::cdp::js_protocol::runtime::{EvaluateParams, ReleaseObjectGroupParams};
use chromiumoxide::{Command, Method, Page};
use futures::StreamExt as _;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use super::artifacts::{FunctionLocation, ReactComponent};

/// The object group the handles are taken in, released at the end.
const GROUP: &str = "perfscope-react-types";
/// Requests in flight at once.
const IN_FLIGHT: usize = 16;

/// `Runtime.getProperties` with a reply of our own.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct GetProperties {
    object_id: String,
    own_properties: bool,
}

impl Method for GetProperties {
    fn identifier(&self) -> Cow<'static, str> {
        Cow::Borrowed("Runtime.getProperties")
    }
}

impl Command for GetProperties {
    type Response = Properties;
}

/// What is read of a `Runtime.getProperties` reply.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Properties {
    #[serde(default)]
    result: Vec<Property>,
    #[serde(default)]
    internal_properties: Vec<Property>,
}

#[derive(Debug, Deserialize)]
struct Property {
    name: String,
    #[serde(default)]
    value: Option<Handle>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Handle {
    #[serde(default)]
    object_id: Option<String>,
    #[serde(default)]
    value: Option<serde_json::Value>,
}

/// Fills each component's `location`, by `deadline`; components it cannot
/// locate keep `None` (the report then names them without a module).
pub async fn locate(page: &Page, components: &mut [ReactComponent], deadline: Instant) {
    if components.is_empty() {
        return;
    }
    let functions = match tokio::time::timeout_at(deadline, functions(page)).await {
        Ok(Some(functions)) => functions,
        _ => return,
    };
    let found: Vec<(usize, Option<FunctionLocation>)> =
        futures::stream::iter(functions.into_iter().filter(|(i, _)| *i < components.len()))
            .map(|(i, object_id)| async move { (i, location_of(page, object_id).await) })
            .buffer_unordered(IN_FLIGHT)
            .take_until(tokio::time::sleep_until(deadline))
            .collect()
            .await;
    for (i, location) in found {
        components[i].location = location;
    }
    let release = page.execute(ReleaseObjectGroupParams::new(GROUP));
    let _ = tokio::time::timeout_at(deadline, release).await;
}

/// The handles of the kept component functions, by index.
async fn functions(page: &Page) -> Option<Vec<(usize, String)>> {
    let eval = EvaluateParams::builder()
        .expression("window.__perfscope && window.__perfscope.typeFns")
        .object_group(GROUP)
        .return_by_value(false)
        .build()
        .ok()?;
    let array = page.execute(eval).await.ok()?;
    let id = array.result.result.object_id.clone()?;
    let props = page
        .execute(GetProperties {
            object_id: id.inner().clone(),
            own_properties: true,
        })
        .await
        .ok()?;
    Some(indexed(&props.result))
}

/// The array elements of a property list: index and object handle.
fn indexed(props: &Properties) -> Vec<(usize, String)> {
    props
        .result
        .iter()
        .filter_map(|p| {
            let index = p.name.parse::<usize>().ok()?;
            Some((index, p.value.as_ref()?.object_id.clone()?))
        })
        .collect()
}

/// A function's `[[FunctionLocation]]`.
async fn location_of(page: &Page, object_id: String) -> Option<FunctionLocation> {
    let props = page
        .execute(GetProperties {
            object_id,
            own_properties: true,
        })
        .await
        .ok()?;
    function_location(&props.result)
}

/// The `[[FunctionLocation]]` among a reply's internal properties.
fn function_location(props: &Properties) -> Option<FunctionLocation> {
    let value = props
        .internal_properties
        .iter()
        .find(|p| p.name == "[[FunctionLocation]]")?
        .value
        .as_ref()?
        .value
        .as_ref()?;
    Some(FunctionLocation {
        script_id: value.get("scriptId")?.as_str()?.to_string(),
        line: value.get("lineNumber")?.as_i64()?,
        column: value.get("columnNumber")?.as_i64()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reply shaped as Chromium sends it for `function Ticket() {}`,
    /// with the subtype chromiumoxide's own types reject.
    const FUNCTION_REPLY: &str = r#"{"result":[
        {"name":"length","value":{"type":"number","value":1,"description":"1"},"writable":false,"configurable":true,"enumerable":false,"isOwn":true},
        {"name":"name","value":{"type":"string","value":"Ticket"},"writable":false,"configurable":true,"enumerable":false,"isOwn":true}],
      "internalProperties":[
        {"name":"[[FunctionLocation]]","value":{"type":"object","subtype":"internal#location","value":{"scriptId":"12","lineNumber":4021,"columnNumber":15},"description":"Object"}},
        {"name":"[[Scopes]]","value":{"type":"object","subtype":"internal#scopeList","className":"Array","description":"Scopes[2]","objectId":"-1.2"}}]}"#;

    #[test]
    fn reads_the_function_location() {
        let props: Properties = serde_json::from_str(FUNCTION_REPLY).unwrap();
        assert_eq!(
            function_location(&props),
            Some(FunctionLocation {
                script_id: "12".into(),
                line: 4021,
                column: 15
            })
        );
        // chromiumoxide's own reply type cannot read it: why ours exists.
        let theirs: Result<chromiumoxide::cdp::js_protocol::runtime::GetPropertiesReturns, _> =
            serde_json::from_str(FUNCTION_REPLY);
        assert!(theirs.is_err());
    }

    #[test]
    fn a_native_function_has_no_location() {
        let props: Properties =
            serde_json::from_str(r#"{"result":[],"internalProperties":[]}"#).unwrap();
        assert_eq!(function_location(&props), None);
    }

    #[test]
    fn array_elements_by_index() {
        let props: Properties = serde_json::from_str(
            r#"{"result":[
              {"name":"0","value":{"type":"function","objectId":"a"}},
              {"name":"1","value":{"type":"function","objectId":"b"}},
              {"name":"length","value":{"type":"number","value":2}},
              {"name":"__proto__","value":{"type":"object","objectId":"p"}}]}"#,
        )
        .unwrap();
        assert_eq!(indexed(&props), vec![(0, "a".into()), (1, "b".into())]);
    }
}
