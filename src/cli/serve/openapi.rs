//! The OpenAPI 3.1 document of `fazhi serve`, served at `/openapi.json` and shipped as
//! `docs/openapi.json` (a test checks the two are the same). Written out here rather than derived:
//! the bodies are the library's JSON layouts, documented in README.md and docs/, and the rule and
//! county file schemas come from [`fazhi::schema`] so they cannot drift.

use serde_json::{json, Value};

/// The OpenAPI document.
pub fn document() -> Value {
    let error = json!({ "$ref": "#/components/schemas/Error" });
    let err = |what: &str| json!({ "description": what, "content": { "application/json": { "schema": error.clone() } } });
    let id = json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "string" }, "description": "rule set id (GET /rulesets lists them), e.g. national-2021" });
    let counties_body = json!({
        "required": true,
        "content": { "application/json": { "schema": { "oneOf": [
            { "$ref": "#/components/schemas/County" },
            { "type": "array", "minItems": 1, "items": { "$ref": "#/components/schemas/County" } },
            { "type": "object", "required": ["counties"], "properties": { "counties": { "type": "array", "minItems": 1, "items": { "$ref": "#/components/schemas/County" } } } }
        ] } } }
    });
    let common = |ok: Value| {
        json!({
            "200": ok,
            "400": err("bad input: the county data do not fit the dictionary (kind `data`, with diagnostics) or the body is not what the endpoint takes (kind `invalid_request`)"),
            "404": err("no rule set with that id (kind `not_found`)"),
            "413": err("the body is larger than the server's --body-limit (kind `payload_too_large`)"),
            "503": err("too many requests at once (kind `overloaded`), over the time limit (kind `timeout`: the work stops there) or the server is shutting down (kind `shutting_down`)"),
        })
    };
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "fazhi serve",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Stateless JSON service scoring counties against rule-of-law government indicator systems (法治政府建设示范指标体系). Rule sets are loaded at start; nothing is stored: reports carry the rule set's and the data's sha256, and `fazhi verify` rechecks a stored report. Every response carries an `x-request-id` header (the client's own, when sent).",
        },
        "paths": {
            "/health": { "get": {
                "summary": "Liveness: engine version and the rule sets served",
                "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": {
                    "type": "object", "required": ["status", "engine", "rulesets"],
                    "properties": { "status": { "const": "ok" }, "engine": { "type": "object" }, "rulesets": { "type": "array", "items": { "type": "string" } } }
                } } } } }
            } },
            "/openapi.json": { "get": {
                "summary": "This document",
                "responses": { "200": { "description": "the OpenAPI document" } }
            } },
            "/rulesets": { "get": {
                "summary": "The rule sets served: id, title, version, sha256, total points, counts",
                "responses": { "200": { "description": "rule set headers", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/RuleSetHeader" } } } } } }
            } },
            "/rulesets/{id}": { "get": {
                "summary": "One rule set: header, data dictionary (数据字典), indicator tree (指标体系), vetoes (一票否决), bonuses (加分), penalties (扣分), pass lines (达标线), checks",
                "parameters": [id.clone()],
                "responses": {
                    "200": { "description": "the rule set", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RuleSetHeader" } } } },
                    "404": err("no rule set with that id"),
                }
            } },
            "/rulesets/{id}/score": { "post": {
                "summary": "Score one county (answer: one report, as `fazhi score --format json`) or many (answer: an array of reports)",
                "parameters": [id.clone()],
                "requestBody": counties_body.clone(),
                "responses": common(json!({ "description": "the report(s), JSON layout `schema: 1` (README: the report's JSON layout)", "content": { "application/json": { "schema": { "oneOf": [
                    { "$ref": "#/components/schemas/Report" },
                    { "type": "array", "items": { "$ref": "#/components/schemas/Report" } }
                ] } } } })),
            } },
            "/rulesets/{id}/gap": { "post": {
                "summary": "Gap analysis of one county (as `fazhi gap --format json`): distance to each pass line, plans, lost items and targets",
                "parameters": [id.clone()],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/County" } } } },
                "responses": common(json!({ "description": "the gap analysis (docs/gap.md)", "content": { "application/json": { "schema": { "type": "object" } } } })),
            } },
            "/rulesets/{id}/rank": { "post": {
                "summary": "Score and rank several counties (as `fazhi rank --format json`; equal totals share a rank)",
                "parameters": [id],
                "requestBody": counties_body,
                "responses": common(json!({ "description": "the ranking (docs/RULES_CHANGE.md)", "content": { "application/json": { "schema": { "type": "object" } } } })),
            } },
            "/lint": { "post": {
                "summary": "Check a rule set sent in the body (as `fazhi lint`); 200 with the diagnostics whatever they say",
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                    "type": "object", "required": ["documents"],
                    "properties": { "documents": { "type": "object", "description": "file name → YAML text of each rule file", "additionalProperties": { "type": "string" } } }
                } } } },
                "responses": {
                    "200": { "description": "the diagnostics", "content": { "application/json": { "schema": {
                        "type": "object", "required": ["ok", "errors", "warnings", "diagnostics"],
                        "properties": {
                            "ok": { "type": "boolean", "description": "no errors (warnings allowed)" },
                            "errors": { "type": "integer" }, "warnings": { "type": "integer" },
                            "diagnostics": { "type": "array", "items": { "$ref": "#/components/schemas/Diagnostic" } }
                        }
                    } } } },
                    "400": err("the body is not {\"documents\": {name: text}}"),
                    "413": err("the body is larger than the server's --body-limit"),
                    "503": err("overloaded or over the time limit"),
                }
            } },
        },
        "components": { "schemas": {
            "Diagnostic": {
                "type": "object", "required": ["code", "severity", "file", "line", "column", "message"],
                "properties": {
                    "code": { "enum": fazhi::Code::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(), "description": "the stable kind of problem (`fazhi::Code`); never changed between versions, whatever the message says" },
                    "severity": { "enum": ["error", "warning"] },
                    "file": { "type": "string", "description": "rule file or `request body` (a county of a batch body is named `counties[i]: ` at the start of the message; line and column point into the body as sent)" },
                    "line": { "type": "integer", "description": "1-based; 0 when unknown" },
                    "column": { "type": "integer", "description": "1-based; 0 when unknown" },
                    "message": { "type": "string" },
                    "help": { "type": "string", "description": "what to do about it, when there is something specific to say" }
                }
            },
            "Error": {
                "type": "object", "required": ["error"],
                "properties": { "error": {
                    "type": "object", "required": ["kind", "message", "diagnostics"],
                    "properties": {
                        "kind": { "enum": ["rules", "data", "scenario", "invalid_request", "not_found", "payload_too_large", "overloaded", "timeout", "shutting_down", "io", "internal"] },
                        "message": { "type": "string", "description": "the whole error as the CLI prints it" },
                        "diagnostics": { "type": "array", "items": { "$ref": "#/components/schemas/Diagnostic" } }
                    }
                } }
            },
            "RuleSetHeader": {
                "type": "object", "required": ["id", "title", "version", "hash", "total_points"],
                "properties": {
                    "id": { "type": "string" }, "title": { "type": "string" }, "version": { "type": "string" },
                    "hash": { "type": "string", "description": "sha256 of the normalised rule files" },
                    "total_points": { "type": "number" }, "bonus_cap": { "type": ["number", "null"] },
                    "additional_points": { "type": "number", "description": "the 附加项 (加、扣分) inside total_points; absent when the rule set has none" },
                    "written_out_of": { "type": "number", "description": "百分制 rescaling: the total the rule set is written out of (total_points is then the reported scale); absent without rescale_to" },
                    "fields": { "type": "integer" }, "items": { "type": "integer" }
                }
            },
            "County": {
                "type": "object", "required": ["county", "data"],
                "description": "A county file as JSON; `fazhi schema county --rules DIR` gives the full schema for a rule set's dictionary",
                "properties": {
                    "county": {
                        "type": "object", "required": ["id", "name"],
                        "description": "who the data are about: id and name, optionally province, year, kind, sources, note",
                        "properties": {
                            "id": { "type": "string" }, "name": { "type": "string" },
                            "province": { "type": "string" }, "year": { "type": "integer" },
                            "kind": { "type": "string" }, "note": { "type": "string" },
                            "sources": { "type": "object", "additionalProperties": { "type": "string" } }
                        },
                        "additionalProperties": false
                    },
                    "data": { "type": "object" }
                }
            },
            "Report": {
                "type": "object", "required": ["schema", "ruleset", "engine", "county", "summary", "items"],
                "description": "An itemized report (README: the report's JSON layout)"
            }
        } }
    })
}
