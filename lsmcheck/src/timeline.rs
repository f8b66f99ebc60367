//! `lsmcheck timeline`: a failing execution as one self-contained HTML page.
//!
//! A column per thread, one row per recorded event in execution order; beside them the state the
//! events imply: the current Version and the reference count of every live Version, and the
//! table files that exist. Version installs, file deletes and reads through a pinned Version
//! are marked; the events that touch the violation's Version or file are highlighted as
//! decisive, and the violation's row is marked where it happened. Filters by thread, file and
//! Version are plain JavaScript over the table (`#decisive` in the address starts with only the
//! decisive events shown). No network, no external asset: the page is the
//! whole report of one failure.

use sim::report::Run;
use sim::world::TraceEvent;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// What a row shows besides the event: the state after it.
struct Row<'a> {
    event: &'a TraceEvent,
    decisive: bool,
    versions: String,
    tables: String,
}

/// The state the trace implies, folded event by event.
#[derive(Default)]
struct Fold {
    current: Option<u64>,
    refs: BTreeMap<u64, u64>,
    tables: BTreeSet<String>,
}

impl Fold {
    fn apply(&mut self, e: &TraceEvent) {
        let refs = e.detail.strip_prefix("refs ").and_then(|n| n.parse::<u64>().ok());
        match (e.event.as_str(), e.version) {
            ("VersionInstalled", Some(v)) => {
                self.current = Some(v);
                self.refs.entry(v).or_insert(1);
            }
            ("Ref" | "Unref", Some(v)) => {
                if let Some(n) = refs {
                    self.refs.insert(v, n);
                }
            }
            ("VersionDropped", Some(v)) => {
                self.refs.remove(&v);
            }
            _ => {}
        }
        let table = e
            .file
            .as_deref()
            .and_then(|f| f.strip_prefix("Table "))
            .map(|n| format!("{n:0>6}.sst"));
        match e.event.as_str() {
            "FileCreated" => self.tables.extend(table),
            "FileDeleted" => {
                if let Some(t) = table {
                    self.tables.remove(&t);
                }
            }
            _ => {}
        }
    }

    fn versions(&self) -> String {
        let show = |(v, r): (&u64, &u64)| {
            let current = if Some(*v) == self.current { " current" } else { "" };
            format!("v{v}{current} ({r})")
        };
        self.refs.iter().map(show).collect::<Vec<_>>().join(", ")
    }
}

/// The table number in a trace's or a violation's file field: `Table 13`, `000013.sst` or
/// `/db/000013.sst`.
fn table_number(f: &str) -> Option<u64> {
    if let Some(n) = f.strip_prefix("Table ") {
        return n.parse().ok();
    }
    f.rsplit('/').next()?.strip_suffix(".sst")?.parse().ok()
}

/// The Versions and tables a violation names (from its JSON form, whatever its kind).
fn culprits(run: &Run) -> (BTreeSet<u64>, BTreeSet<u64>) {
    let (mut versions, mut tables) = (BTreeSet::new(), BTreeSet::new());
    let Some(v) = run.violation.as_ref().and_then(|v| serde_json::to_value(v).ok()) else {
        return (versions, tables);
    };
    for key in ["version", "pinned_version"] {
        versions.extend(v.get(key).and_then(|x| x.as_u64()));
    }
    let listed = v.get("versions").and_then(|x| x.as_array());
    versions.extend(listed.into_iter().flatten().filter_map(|x| x.as_u64()));
    match v.get("file") {
        Some(serde_json::Value::String(f)) => tables.extend(table_number(f)),
        Some(serde_json::Value::Number(n)) => tables.extend(n.as_u64()),
        _ => {}
    }
    // A violation that names its table in words ("read of table 13") names it too.
    if let Some(text) = run.violation.as_ref().map(ToString::to_string) {
        tables.extend(named_tables(&text));
    }
    (versions, tables)
}

/// The numbers that follow "table " in a text.
fn named_tables(text: &str) -> Vec<u64> {
    text.split("table ")
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

fn touches(e: &TraceEvent, versions: &BTreeSet<u64>, tables: &BTreeSet<u64>) -> bool {
    e.event == "VIOLATION"
        || e.version.is_some_and(|v| versions.contains(&v))
        || e.file
            .as_deref()
            .and_then(table_number)
            .is_some_and(|n| tables.contains(&n))
}

/// The rows of `run`'s trace, with the state after each event.
fn rows(run: &Run) -> Vec<Row<'_>> {
    let (versions, tables) = culprits(run);
    let mut fold = Fold::default();
    run.trace
        .iter()
        .map(|event| {
            fold.apply(event);
            Row {
                event,
                decisive: touches(event, &versions, &tables),
                versions: fold.versions(),
                tables: fold.tables.iter().cloned().collect::<Vec<_>>().join(" "),
            }
        })
        .collect()
}

/// Renders the first failing run of a report as a whole HTML page.
pub fn render(run: &Run) -> String {
    let threads: Vec<&str> = {
        let mut t: Vec<&str> = Vec::new();
        for e in &run.trace {
            if !t.contains(&e.thread.as_str()) {
                t.push(&e.thread);
            }
        }
        t
    };
    let mut h = String::new();
    head(&mut h, run);
    h.push_str("<table id=\"timeline\"><thead><tr><th>#</th>");
    for t in &threads {
        let _ = write!(h, "<th class=\"thread\">{}</th>", esc(t));
    }
    h.push_str("<th>live Versions (refs)</th><th>tables on disk</th></tr></thead><tbody>\n");
    for r in rows(run) {
        body_row(&mut h, &r, &threads);
    }
    h.push_str("</tbody></table>\n");
    h.push_str(SCRIPT);
    h.push_str("</body></html>\n");
    h
}

fn head(h: &mut String, run: &Run) {
    let title = format!("{} / {} / seed {}", run.scenario, run.explorer, run.seed);
    let _ = write!(h, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>lsmcheck: {}</title><style>{STYLE}</style></head><body>", esc(&title));
    let _ = write!(h, "<h1>{}</h1>", esc(&title));
    if let Some(m) = &run.mutant {
        let _ = write!(h, "<p>mutant <code>{}</code></p>", esc(m.name()));
    }
    if let Some(v) = &run.violation {
        let at = run.failing_execution.unwrap_or(0);
        let _ = write!(
            h,
            "<p class=\"violation-text\"><b>{}</b> at execution {at}: {}</p>",
            esc(&v.kind()),
            esc(&v.to_string())
        );
    }
    if let Some(cmd) = &run.replay {
        let _ = write!(h, "<p>replay: <code>{}</code></p>", esc(cmd));
    }
    h.push_str("<p class=\"filters\">thread <input id=\"f-thread\"> file <input id=\"f-file\"> Version <input id=\"f-version\"> <label><input type=\"checkbox\" id=\"f-decisive\"> decisive only</label></p>\n");
    h.push_str("<p class=\"legend\"><span class=\"install\">Version installed</span> <span class=\"delete\">file deleted</span> <span class=\"read\">read through a pinned Version</span> <span class=\"decisive\">touches the violation's Version or file</span> <span class=\"violation\">the violation</span></p>\n");
}

fn body_row(h: &mut String, r: &Row, threads: &[&str]) {
    let e = r.event;
    let mut class = vec![match e.event.as_str() {
        "VersionInstalled" => "install",
        "FileDeleted" | "remove" => "delete",
        "TableRead" | "read" => "read",
        "VIOLATION" => "violation",
        _ => "",
    }];
    if r.decisive {
        class.push("decisive");
    }
    let _ = write!(
        h,
        "<tr class=\"{}\" data-thread=\"{}\" data-file=\"{}\" data-version=\"{}\"><td>{}</td>",
        class.join(" ").trim(),
        esc(&e.thread),
        esc(e.file.as_deref().unwrap_or("")),
        e.version.map(|v| v.to_string()).unwrap_or_default(),
        e.step
    );
    for t in threads {
        if *t == e.thread {
            let what: Vec<String> = [
                e.version.map(|v| format!("v{v}")),
                e.file.clone(),
                Some(e.detail.clone()),
            ]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect();
            let _ = write!(
                h,
                "<td class=\"cell\"><b>{}</b> {}</td>",
                esc(&e.event),
                esc(&what.join(" "))
            );
        } else {
            h.push_str("<td></td>");
        }
    }
    let _ = writeln!(
        h,
        "<td class=\"state\">{}</td><td class=\"state\">{}</td></tr>",
        esc(&r.versions),
        esc(&r.tables)
    );
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = "body{font:13px system-ui,sans-serif;margin:1em}table{border-collapse:collapse}\
td,th{border:1px solid #ddd;padding:2px 6px;vertical-align:top}th{background:#f4f4f4;position:sticky;top:0}\
td.state{color:#555;font-size:12px}tr.install td.cell{background:#e6f0ff}tr.delete td.cell{background:#ffe6e6}\
tr.read td.cell{background:#eef9ee}tr.decisive td:first-child{border-left:4px solid #e69500}\
tr.violation td{background:#ffb3b3;font-weight:bold}.legend span{padding:1px 6px;margin-right:4px}\
.legend .install{background:#e6f0ff}.legend .delete{background:#ffe6e6}.legend .read{background:#eef9ee}\
.legend .decisive{border-left:4px solid #e69500}.legend .violation{background:#ffb3b3}\
.violation-text{background:#fff0f0;padding:4px}code{background:#f4f4f4;padding:1px 3px}";

const SCRIPT: &str = "<script>(function(){\
var rows=[].slice.call(document.querySelectorAll('#timeline tbody tr'));\
function v(id){return document.getElementById(id)}\
function apply(){var t=v('f-thread').value,f=v('f-file').value,n=v('f-version').value,d=v('f-decisive').checked;\
rows.forEach(function(r){var ok=(!t||r.dataset.thread.indexOf(t)>=0)&&(!f||r.dataset.file.indexOf(f)>=0)\
&&(!n||r.dataset.version===n)&&(!d||r.classList.contains('decisive')||r.classList.contains('violation'));\
r.style.display=ok?'':'none'})}\
['f-thread','f-file','f-version','f-decisive'].forEach(function(id){v(id).addEventListener('input',apply)});\
if(location.hash==='#decisive'){v('f-decisive').checked=true;apply()}\
document.body.setAttribute('data-rendered',rows.length);\
})();</script>\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_and_version_lists_are_read_back() {
        assert_eq!(table_number("Table 13"), Some(13));
        assert_eq!(table_number("/db/000013.sst"), Some(13));
        assert_eq!(table_number("000004.log"), None);
        assert_eq!(named_tables("used Version 6 (read of table 13)"), vec![13]);
        assert_eq!(named_tables("no tables here"), Vec::<u64>::new());
        assert_eq!(esc("<a href=\"x\">&"), "&lt;a href=&quot;x&quot;&gt;&amp;");
    }
}
