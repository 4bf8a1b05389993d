//! The chapters' argument parser.

use autoencoders::core::error::Error;
use autoencoders::workbook::cli::{Opt, Parsed, Spec, help_text, parse, result_value};

const SPEC: Spec = Spec {
    name: "demo",
    section: "§0",
    about: "a parser test",
    data: Some("real data"),
    options: &[
        Opt { name: "lr", value: Some("RATE"), help: "learning rate" },
        Opt { name: "fast", value: None, help: "a switch" },
    ],
    exercises: &[],
    expectations: &[],
};

fn args(v: &[&str]) -> Result<Parsed, Error> {
    parse(&SPEC, v.iter().map(|s| s.to_string()))
}

#[test]
fn defaults_and_values() {
    let Ok(Parsed::Run(a)) = args(&[]) else { panic!() };
    assert_eq!(a.seed, autoencoders::workbook::cli::DEFAULT_SEED);
    assert!(!a.quick && a.data.is_none() && a.epochs.is_none());
    assert_eq!(a.out, std::path::PathBuf::from("target/chapters/demo"));

    let Ok(Parsed::Run(a)) = args(&["--seed", "9", "--quick", "--data=/x", "--epochs", "3", "--lr", "0.5", "--fast"])
    else {
        panic!()
    };
    assert_eq!((a.seed, a.quick, a.epochs), (9, true, Some(3)));
    assert_eq!(a.data.as_deref(), Some(std::path::Path::new("/x")));
    assert_eq!(a.parsed::<f64>("lr").unwrap(), Some(0.5));
    assert!(a.flag("fast"));
    assert_eq!(a.epochs_or(100, 5), 3);
}

/// A mode that cannot honour `--seed` must see it even when it is the default's value.
#[test]
fn given_counts_a_seed_typed_on_the_command_line_even_the_default() {
    let Ok(Parsed::Run(a)) = args(&[]) else { panic!() };
    assert!(!a.given("seed"));
    for typed in [&["--seed", "1"][..], &["--seed=1"], &["--seed", "7"]] {
        let Ok(Parsed::Run(a)) = args(typed) else { panic!() };
        assert!(a.given("seed"), "{typed:?}");
        assert!(a.refuse_with(true, "a mode", &["seed"], "it draws nothing").is_err(), "{typed:?}");
    }
}

#[test]
fn malformed_is_usage() {
    for bad in [
        &["--nope"][..],
        &["--seed", "-1"],
        &["--seed"],
        &["--epochs", "x"],
        &["--fast=1"],
        &["positional"],
        &["--out", ""],
        &["--seed", "99999999999999999999999"],
    ] {
        match args(bad) {
            Err(e @ Error::Usage(_)) => assert_eq!(e.exit_code(), 2),
            other => panic!("{bad:?} gave {:?}", other.map(|_| ())),
        }
    }
    let Ok(Parsed::Run(a)) = args(&["--lr", "fast"]) else { panic!() };
    assert!(matches!(a.parsed::<f64>("lr"), Err(Error::Usage(_))));
}

#[test]
fn help_wins_and_lists_everything() {
    assert!(matches!(args(&["--seed", "3", "--help"]), Ok(Parsed::Help)));
    let h = help_text(&SPEC);
    for s in ["--data DIR", "--lr RATE", "--fast", "--seed N", "--out DIR", "--epochs N"] {
        assert!(h.contains(s), "help lacks {s}");
    }
}

#[test]
fn results_are_read_from_the_last_block() {
    let out = "loss: 9\nResults\nloss: 0.5\nname: a: b\n";
    assert_eq!(result_value(out, "loss"), Some("0.5"));
    assert_eq!(result_value(out, "name"), Some("a: b"));
    assert_eq!(result_value(out, "missing"), None);
}

#[test]
fn a_divergence_in_library_code_names_the_chapter() {
    use autoencoders::workbook::cli::name_the_chapter;
    let e = Error::Diverged { chapter: "fine-tuning".into(), epoch: 3, step: 7, what: "the loss is NaN".into() };
    let msg = name_the_chapter(e, "ch4_stacked").to_string();
    assert_eq!(
        msg,
        "ch4_stacked (fine-tuning): training diverged at epoch 3, step 7: the loss is NaN; try a smaller learning rate"
    );
    let e = Error::Diverged { chapter: "ch1_identity".into(), epoch: 1, step: 1, what: "x".into() };
    assert!(name_the_chapter(e, "ch1_identity").to_string().starts_with("ch1_identity: training diverged"));
}

#[test]
fn progress_line_extrapolates_the_mean_step() {
    use autoencoders::workbook::cli::progress_line;
    // 3 of 12 models in 9 s: 3 s each, 9 to go → 27 s.
    assert_eq!(progress_line("model", 3, 12, 9.0), "model 3/12, 9 s elapsed, about 27 s to go");
    // Nothing finished yet: no rate to extrapolate, so no guess.
    assert_eq!(progress_line("epoch", 0, 10, 2.4), "epoch 0/10, 2 s elapsed, about 0 s to go");
    // Finished (or past the end): nothing left.
    assert_eq!(progress_line("epoch", 12, 10, 6.0), "epoch 12/10, 6 s elapsed, about 0 s to go");
}

#[test]
fn expectations_read_back_from_their_lines_and_judge_a_run() {
    use autoencoders::workbook::cli::{Expect, Expectation};
    let out = "step 1\nResults\naccuracy: 0.905\nstuck: false\na: 1.5\nb: 2\n";
    let holds = [
        Expect::near(&["--code", "3"], "accuracy", 0.9, 0.01),
        Expect::is(&[], "stuck", "false"),
        Expect::below(&[], "a", "b"),
        Expect::above(&[], "b", "a"),
    ];
    for e in holds {
        let read = Expectation::parse(&e.line()).unwrap();
        assert_eq!(read.args, e.args);
        assert!(read.check(out).is_ok(), "{:?}", read);
    }
    let fails = [
        (Expect::near(&[], "accuracy", 0.8, 0.01), "accuracy is 0.905, expected 0.8 ± 0.01"),
        (Expect::is(&[], "stuck", "true"), "stuck is false, expected true"),
        (Expect::above(&[], "a", "b"), "a is 1.5, expected above b (2)"),
        (Expect::near(&[], "missing", 1.0, 0.1), "no `missing` in the Results"),
    ];
    for (e, why) in fails {
        assert_eq!(Expectation::parse(&e.line()).unwrap().check(out).unwrap_err(), why);
    }
    assert!(Expectation::parse("--x\tkey\tround\t1").is_none());
}
