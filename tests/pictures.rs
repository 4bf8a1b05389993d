//! The pictures two existing chapters draw: ch3_training_steps's loss curve and
//! ch3_unpooling's grids, every value written in them.

mod common;
use common::*;

#[test]
fn ch3_training_steps_writes_its_loss_curve() {
    let out = temp_dir("pictures-ch3-steps");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_ch3_training_steps"))
        .args(["--quick", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_ok(&o);
    let path = out.join("loss.svg");
    assert!(stdout(&o).contains(&path.display().to_string()));
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"), "{}", &svg[..80.min(svg.len())]);
    // One polyline with a point per epoch (--quick trains 200).
    let line = svg.lines().find(|l| l.starts_with("<polyline")).expect("a polyline");
    assert_eq!(line.matches(',').count(), 200);
}

#[test]
fn ch3_unpooling_draws_its_grids_with_every_value_and_captions_them() {
    let out = temp_dir("pictures-ch3-unpool");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_ch3_unpooling")).arg("--out").arg(&out).output().unwrap();
    assert_ok(&o);
    let files = ["unpooling.svg", "unpooling_steps.svg", "unpooling_without_switches.svg"];
    for f in files {
        let path = out.join(f);
        assert!(stdout(&o).contains(&path.display().to_string()), "{f} is not named in the output");
        let svg = std::fs::read_to_string(&path).unwrap();
        // The input's first row, 8 4 2 0, as four cell texts in a row.
        let first_row = ["8", "4", "2", "0"].map(|v| format!("class=\"value\">{v}</text>"));
        let at = |needle: &str, from: usize| svg[from..].find(needle).map(|i| i + from);
        let mut pos = Some(0);
        for cell in &first_row {
            pos = pos.and_then(|p| at(cell, p));
        }
        assert!(pos.is_some() || f == "unpooling_steps.svg", "{f}: the input's first row is not written out");
    }
    // Every picture has its caption in the manifest, in the order drawn.
    let captions = autoencoders::workbook::captions::read(&out);
    let named: Vec<&str> = captions.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(named, files);
    assert!(captions.iter().all(|(_, c)| c.len() > 40), "{captions:?}");
}
