//! `ch4_denoising`'s spec: its flags, its exercises, and what they and the README promise.

use crate::workbook::cli::{Expect, Opt, Spec};

pub const SPEC: Spec = Spec {
    name: "ch4_denoising",
    section: "§4.2",
    about: "masking corruption: a plain autoencoder against denoising ones, on corrupted held-out digits",
    data: Some("a folder with MNIST IDX files (default: built-in procedural digits)"),
    options: &[
        Opt {
            name: "noise",
            value: Some("NU"),
            help: "masking level ν of the test corruption and of the headline denoising model (default 0.5)",
        },
        Opt { name: "code", value: Some("N"), help: "code width (default 64)" },
    ],
    exercises: &[
        "drop three quarters of every input: the plain model's error is 0.05395, the denoising one's 0.0234, the \
         input's own 0.0784: cargo run --bin ch4_denoising -- --noise 0.75",
        "does a wider code help or hurt the plain network on masked digits (0.0446, the input's own 0.0525)? \
         cargo run --bin ch4_denoising -- --code 256",
        "train longer: does the plain model ever learn to fill the holes (0.0518 against the DAE's 0.0151)? \
         cargo run --bin ch4_denoising -- --epochs 30",
    ],
    expectations: &[
        Expect::is(&[], "claims_not_shown", "0"),
        Expect::near(&[], "corrupted_test_mse_plain", 0.032219, 0.0000005),
        Expect::near(&[], "corrupted_test_mse_denoising", 0.018269, 0.0000005),
        Expect::near(&[], "corrupted_input_mse", 0.052391, 0.0000005),
        Expect::near(&[], "clean_test_mse_plain", 0.015401, 0.0000005),
        Expect::near(&[], "clean_test_mse_denoising", 0.019283, 0.0000005),
        Expect::near(&[], "corrupted_target_test_mse", 0.043606, 0.0000005),
        Expect::near(&[], "ink_level_denoising", 0.698, 0.0005),
        Expect::near(&[], "ink_level_corrupted_target", 0.345, 0.0005),
        Expect::near(&[], "ink_level_input", 0.439, 0.0005),
        Expect::near(&["--noise", "0.75"], "corrupted_test_mse_plain", 0.053950, 0.0000005),
        Expect::near(&["--noise", "0.75"], "corrupted_test_mse_denoising", 0.023448, 0.0000005),
        Expect::near(&["--noise", "0.75"], "corrupted_input_mse", 0.078444, 0.0000005),
        Expect::near(&["--code", "256"], "clean_test_mse_plain", 0.002809, 0.0000005),
        Expect::near(&["--code", "256"], "corrupted_test_mse_plain", 0.044609, 0.0000005),
        Expect::near(&["--code", "256"], "corrupted_input_mse", 0.052497, 0.0000005),
        Expect::near(&["--code", "256"], "corrupted_test_mse_denoising", 0.011865, 0.0000005),
        Expect::near(&["--epochs", "30"], "corrupted_test_mse_plain", 0.051811, 0.0000005),
        Expect::near(&["--epochs", "30"], "corrupted_test_mse_denoising", 0.015099, 0.0000005),
        Expect::near(&["--epochs", "30"], "corrupted_input_mse", 0.052391, 0.0000005),
    ],
};
