//! Progress bars for long work (many days of changes, large dispatch files), on stderr and only
//! when stderr is a terminal: piped or redirected output never gets bar control characters.
//! A bar shows counts and times of the work, never a value from an answer.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar of `length` steps labelled `label`, drawn only when stderr is a terminal and `worth_it`
/// (short work gets none); otherwise a hidden bar, on which every call is a no-op.
pub fn bar(length: u64, label: &str, unit: &str, worth_it: bool) -> ProgressBar {
    if !(worth_it && std::io::stderr().is_terminal()) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(length), ProgressDrawTarget::stderr());
    let template = format!("{{msg}} [{{wide_bar}}] {{pos}}/{{len}} {unit}, eta {{eta}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(label.to_owned());
    bar
}
