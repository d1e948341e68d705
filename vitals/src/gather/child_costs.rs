//! What a worker or out-of-process iframe ran during the load: its own
//! sampling CPU profile and JavaScript coverage, gathered on its session of
//! the second connection ([`super::children`]) the way the page's are
//! ([`super::cpu`], [`super::coverage`]).
//!
//! Both start when the child is attached, paused, before it runs a line;
//! both are taken when the run settles, then each script's source is read
//! (`Debugger.getScriptSource`) for its length and `sourceMappingURL`, and
//! the map is fetched by the child itself (`fetch` in its own realm: its
//! origin, so a cross-origin iframe reads its own maps). A child that ended
//! before the run settled (a worker that closed) gives nothing, and says
//! why ([`Costs::missing`]).

use serde_json::{Value, json};
use tokio::time::Instant;

use super::artifacts::{CpuProfile, ScriptCoverage};
use super::children::Conn;

/// Scripts of one child whose source and map are read at most.
const MAX_SOURCES: usize = 50;

/// A child's profile and coverage.
#[derive(Debug, Default)]
pub struct Costs {
    pub cpu_profile: Option<CpuProfile>,
    pub coverage: Option<Vec<ScriptCoverage>>,
    /// Why neither was taken: `it ended before the run settled` (its
    /// session was gone), or the command's error.
    pub missing: Option<String>,
}

/// Starts the child's profile and coverage, in order on its session
/// before it is resumed (not waiting: the replies come back in order).
pub fn start(conn: &Conn, session: &str, granularity: model::vitals::CoverageGranularity) {
    let s = Some(session);
    conn.send(s, "Profiler.enable", json!({}));
    conn.send(
        s,
        "Profiler.setSamplingInterval",
        json!({ "interval": super::cpu::SAMPLING_INTERVAL_US }),
    );
    conn.send(
        s,
        "Profiler.startPreciseCoverage",
        json!({ "callCount": false, "detailed": granularity == model::vitals::CoverageGranularity::Block }),
    );
    conn.send(s, "Profiler.start", json!({}));
}

/// Stops and takes the child's profile and coverage, then reads its
/// scripts' sources and maps, by `deadline`.
pub async fn take(conn: &Conn, session: &str, deadline: Instant) -> Costs {
    let s = Some(session);
    let stopped = match conn.call(s, "Profiler.stop", json!({}), deadline).await {
        Ok(stopped) => stopped,
        Err(error) => return Costs::missing(&error),
    };
    let cpu_profile = stopped
        .get("profile")
        .and_then(|p| serde_json::from_value::<CpuProfile>(p.clone()).ok());
    let taken = conn
        .call(s, "Profiler.takePreciseCoverage", json!({}), deadline)
        .await
        .ok();
    let coverage = match taken.and_then(|v| scripts_of(&v)) {
        Some(scripts) => Some(read_sources(conn, session, scripts, deadline).await),
        None => None,
    };
    let _ = conn
        .call(s, "Profiler.stopPreciseCoverage", json!({}), deadline)
        .await;
    let _ = conn.call(s, "Profiler.disable", json!({}), deadline).await;
    Costs {
        cpu_profile,
        coverage,
        missing: None,
    }
}

impl Costs {
    /// Nothing taken: the `error` of `Profiler.stop`, told as the child's
    /// end when its session was gone.
    fn missing(error: &str) -> Self {
        let why = if error.contains("not found") {
            "it ended before the run settled".to_string()
        } else {
            error.to_string()
        };
        Costs {
            missing: Some(why),
            ..Costs::default()
        }
    }
}

/// The scripts of a `Profiler.takePreciseCoverage` reply.
fn scripts_of(reply: &Value) -> Option<Vec<ScriptCoverage>> {
    let result: Vec<chromiumoxide::cdp::js_protocol::profiler::ScriptCoverage> =
        serde_json::from_value(reply.get("result")?.clone()).ok()?;
    Some(super::coverage::scripts_of(&result))
}

/// Each script's source length and map, read on the child's session.
async fn read_sources(
    conn: &Conn,
    session: &str,
    mut scripts: Vec<ScriptCoverage>,
    deadline: Instant,
) -> Vec<ScriptCoverage> {
    let s = Some(session);
    if conn
        .call(s, "Debugger.enable", json!({}), deadline)
        .await
        .is_err()
    {
        return scripts;
    }
    let _ = conn
        .call(
            s,
            "Debugger.setSkipAllPauses",
            json!({ "skip": true }),
            deadline,
        )
        .await;
    for script in scripts.iter_mut().take(MAX_SOURCES) {
        let Ok(source) = conn
            .call(
                s,
                "Debugger.getScriptSource",
                json!({ "scriptId": script.script_id }),
                deadline,
            )
            .await
        else {
            continue;
        };
        let text = source
            .get("scriptSource")
            .and_then(Value::as_str)
            .unwrap_or("");
        script.length = Some(super::coverage::utf16_length(text));
        if let Some(map_url) = super::coverage::map_url(&script.url, text)
            && let Some(map) = fetch_text(conn, session, &map_url, deadline).await
        {
            script.source_map = Some(super::coverage::map_artifact(&map_url, map, text));
        }
    }
    let _ = conn.call(s, "Debugger.disable", json!({}), deadline).await;
    scripts
}

/// A text fetched by the child itself; `None` when it fails.
async fn fetch_text(conn: &Conn, session: &str, url: &str, deadline: Instant) -> Option<String> {
    let expression = super::coverage::fetch_expression(url)?;
    let limit = deadline.min(Instant::now() + std::time::Duration::from_secs(10));
    let reply = conn
        .call(
            Some(session),
            "Runtime.evaluate",
            json!({ "expression": expression, "awaitPromise": true, "returnByValue": true }),
            limit,
        )
        .await
        .ok()?;
    reply
        .get("result")?
        .get("value")?
        .as_str()
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_coverage_reply_reads_as_the_pages_scripts() {
        let reply = json!({"result": [
            {"scriptId": "4", "url": "http://127.0.0.1:1/embeds/search-worker.js", "functions": [
                {"functionName": "", "isBlockCoverage": false,
                 "ranges": [{"startOffset": 0, "endOffset": 700, "count": 1}]},
                {"functionName": "run", "isBlockCoverage": false,
                 "ranges": [{"startOffset": 300, "endOffset": 420, "count": 0}]}]},
            {"scriptId": "5", "url": "", "functions": []}
        ]});
        let scripts = scripts_of(&reply).unwrap();
        assert_eq!(scripts.len(), 1);
        assert_eq!(scripts[0].ranges, vec![[0, 700, 1], [300, 420, 0]]);
        assert!(scripts_of(&json!({})).is_none());
    }
}
