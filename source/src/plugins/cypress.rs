//! Cypress: `cypress.config.*`, e2e specs (`e2e.specPattern`, default
//! `cypress/e2e/**/*.cy.{js,jsx,ts,tsx}`), component specs and support
//! files are tooling entries.

use model::analyze::Role;

use super::{Ctx, Found, Plugin};
use crate::static_config::Static;

/// The plugin.
pub const PLUGIN: Plugin = Plugin {
    name: "cypress",
    detect: |ctx| {
        ctx.has_tool("cypress") || ctx.first(&Ctx::config_names("cypress.config")).is_some()
    },
    run,
};

fn run(ctx: &Ctx<'_>, found: &mut Found) {
    let config = ctx
        .first(&Ctx::config_names("cypress.config"))
        .and_then(|p| {
            found.entry(p.clone(), Role::Tooling, "cypress: config");
            ctx.read(&p, found)
        });
    for (kind, default_specs, default_support) in [
        (
            "e2e",
            "cypress/e2e/**/*.cy.{js,jsx,ts,tsx}",
            "cypress/support/e2e.{js,jsx,ts,tsx}",
        ),
        (
            "component",
            "**/*.cy.{js,jsx,ts,tsx}",
            "cypress/support/component.{js,jsx,ts,tsx}",
        ),
    ] {
        let section = config.as_ref().and_then(|c| c.get(kind));
        let specs: Vec<&str> = section
            .and_then(|s| s.get("specPattern"))
            .map(Static::strings)
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| vec![default_specs]);
        for file in ctx.glob(&ctx.ws.dir, &specs) {
            found.entry(file, Role::Tooling, format!("cypress: {kind} spec"));
        }
        let support: Vec<&str> = section
            .and_then(|s| s.get("supportFile"))
            .map(Static::strings)
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| vec![default_support]);
        for file in ctx.glob(&ctx.ws.dir, &support) {
            found.entry(file, Role::Tooling, format!("cypress: {kind} support file"));
        }
    }
    for file in ctx.glob(&ctx.ws.dir, &["cypress/plugins/index.{js,ts}"]) {
        found.entry(file, Role::Tooling, "cypress: plugins file");
    }
}
