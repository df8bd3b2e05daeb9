//! BENCHMARKS.md is part generated, part written by hand. Each generated part sits between two
//! marker lines, `<!-- bench:NAME begin (cargo xtask bench …) -->` and `<!-- bench:NAME end -->`;
//! a bench run replaces only the parts it measured and keeps every other line of the file, so
//! hand-written sections (A/B runs, artifact sizes, explanations) survive it.

/// The first marker line of section `name`.
fn begin(name: &str) -> String {
    format!("<!-- bench:{name} begin (written by `cargo xtask bench`; edit outside these markers) -->")
}

/// The last marker line of section `name`.
fn end(name: &str) -> String {
    format!("<!-- bench:{name} end -->")
}

/// `document` with section `name` replaced by `body`. A section not in the document yet is
/// added: at the top for `at_top`, at the end otherwise. Fails on a begin marker without its end.
pub fn splice(document: &str, name: &str, body: &str, at_top: bool) -> Result<String, String> {
    let (begin, end) = (begin(name), end(name));
    let block = format!("{begin}\n{}\n{end}\n", body.trim_end());
    let lines: Vec<&str> = document.lines().collect();
    let start = lines.iter().position(|l| l.trim() == begin);
    let Some(start) = start else {
        return Ok(match (at_top, document.trim().is_empty()) {
            (_, true) => block,
            (true, false) => format!("{block}\n{document}"),
            (false, false) => format!("{}\n\n{block}", document.trim_end()),
        });
    };
    let stop = lines[start..]
        .iter()
        .position(|l| l.trim() == end)
        .map(|i| start + i)
        .ok_or_else(|| format!("BENCHMARKS.md: `{begin}` has no `{end}` after it"))?;
    let mut out = String::new();
    for line in &lines[..start] {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&block);
    for line in &lines[stop + 1..] {
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_replaces_its_section_only_and_keeps_every_hand_written_line() {
        let first = splice("", "clients", "# Benchmarks\n\nold table", true).unwrap();
        let with_hand = format!("{first}\n## A/B (by hand)\n\nkept\n");
        let with_watcher = splice(&with_hand, "watcher", "## Watcher\n\nold", false).unwrap();
        let hand_after = format!("{with_watcher}\n## Artifact sizes (by hand)\n\nalso kept\n");
        let rerun = splice(&hand_after, "clients", "# Benchmarks\n\nnew table", true).unwrap();
        let rerun = splice(&rerun, "watcher", "## Watcher\n\nnew", false).unwrap();
        for kept in ["## A/B (by hand)", "kept", "## Artifact sizes (by hand)", "also kept", "new table", "\nnew\n"] {
            assert!(rerun.contains(kept), "{kept:?} in\n{rerun}");
        }
        assert!(!rerun.contains("old"), "{rerun}");
        assert!(rerun.find("new table") < rerun.find("## A/B") && rerun.find("## A/B") < rerun.find("## Watcher"));
        assert_eq!(rerun.matches("bench:watcher begin").count(), 1);
        // The same run again changes nothing.
        assert_eq!(splice(&rerun, "watcher", "## Watcher\n\nnew", false).unwrap(), rerun);
    }

    #[test]
    fn a_begin_marker_without_its_end_is_an_error_not_a_truncated_file() {
        let broken = format!("{}\npartial\n\n## by hand\n", begin("watcher"));
        assert!(splice(&broken, "watcher", "x", false).is_err());
    }
}
