//! `index.html` at the workspace root: its module scripts ship.

use model::analyze::Role;

use super::{Ctx, Found, Plugin};

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "html",
    detect: |ctx| ctx.ws.index_html.is_some(),
    run,
};

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    for src in ctx.ws.module_scripts() {
        if src.starts_with("http:") || src.starts_with("https:") || src.starts_with("//") {
            continue;
        }
        let path = src.split(['?', '#']).next().unwrap_or("");
        let file = ctx.ws.dir.join(path.trim_start_matches('/'));
        // Never outside the repository: `/../../etc/passwd` is refused.
        match std::fs::canonicalize(&file) {
            Ok(real) if real.starts_with(&ctx.ws.dir) && real.is_file() => {
                found.entry(real, Role::Production, "index.html module script");
            }
            Ok(_) => found.diagnostics.push(model::Diagnostic::new(
                ctx.rel(&ctx.ws.dir.join("index.html")),
                format!(
                    "module script `{}` points outside the project; not read",
                    model::diagnostic::quote(src)
                ),
            )),
            Err(_) => found.diagnostics.push(model::Diagnostic::new(
                ctx.rel(&ctx.ws.dir.join("index.html")),
                format!(
                    "module script `{}` does not exist",
                    model::diagnostic::quote(src)
                ),
            )),
        }
    }
}
