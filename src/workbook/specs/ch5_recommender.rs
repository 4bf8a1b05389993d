//! `ch5_recommender`'s spec: its flags, its exercises, what they and the README promise, and the
//! article's claims it tests.

use crate::workbook::claims::Verdict::{Corrected, Extended, Reproduced};
use crate::workbook::claims::{Check, Claim};
use crate::workbook::cli::{Expect, Opt, Spec};
use crate::workbook::ledger::{k, n, x};

pub const SPEC: Spec = Spec {
    name: "ch5_recommender",
    section: "§5",
    about: "the article's stacked-autoencoder recommender on MovieLens: faithful, measured honestly, then done better",
    data: Some(
        "MovieLens folder: ml-100k (uN.base/uN.test or u.data; u.item for titles) or ml-1m (ratings.dat, movies.dat)",
    ),
    options: &[
        Opt {
            name: "split",
            value: Some("uN|all"),
            help: "train/test split u1 … u5 (default u1), or all for every split",
        },
        Opt { name: "user", value: Some("ID"), help: "print this user's top 10 unseen movies" },
        Opt {
            name: "my-ratings",
            value: Some("FILE"),
            help: "add yourself (lines `title or id,rating`); get your top 10",
        },
        Opt { name: "save", value: Some("PATH"), help: "save the trained models" },
        Opt { name: "load", value: Some("PATH"), help: "load trained models instead of training" },
        Opt { name: "zero-grad", value: None, help: "train the article's model with gradients reset each step" },
        Opt {
            name: "weight-decay",
            value: Some("W"),
            help: "RMSprop weight decay of the article's model (default 0.5)",
        },
        Opt {
            name: "threads",
            value: Some("N"),
            help: "1 or 2 threads for the article's model (default 2, same bits)",
        },
    ],
    exercises: &[
        "reset the gradients as any PyTorch tutorial would, and watch the article's model collapse (test RMSE 3.6900): \
         cargo run --bin ch5_recommender -- --zero-grad --epochs 20",
        "then take away the weight decay too, and watch it learn again (test RMSE 0.9709): \
         cargo run --bin ch5_recommender -- --zero-grad --weight-decay 0 --epochs 20",
        "rate movies you know, as examples/my-ratings.txt does, and get ten more from each model: \
         cargo run --bin ch5_recommender -- --data ../shared/data/ml-100k --my-ratings examples/my-ratings.txt",
    ],
    expectations: &[
        Expect::is(&[], "claims_not_shown", "0"),
        Expect::near(&[], "train_loss", 0.9175, 0.00005),
        Expect::near(&[], "train_loss_epoch_1", 1.6303, 0.00005),
        Expect::near(&[], "test_loss_article", 0.9328, 0.00005),
        Expect::near(&[], "test_loss_absolute_mean", 0.7656, 0.00005),
        Expect::near(&[], "test_rmse", 0.9942, 0.00005),
        Expect::near(&[], "bias_baseline_rmse", 0.9624, 0.00005),
        Expect::near(&[], "global_mean_rmse", 1.1248, 0.00005),
        Expect::near(&[], "improved_test_rmse", 0.7270, 0.00005),
        Expect::near(&[], "zero_grad_test_rmse", 3.6900, 0.00005),
        Expect::is(&[], "course_lost_ratings", "2"),
        Expect::near(&[], "course_test_loss_article", 0.9456, 0.00005),
        Expect::near(&[], "top_pick_rating_article", 4.209, 0.0005),
        Expect::near(&[], "top_pick_rating_autorec", 4.621, 0.0005),
        Expect::near(&[], "top_pick_rating_random", 3.627, 0.0005),
        Expect::near(&["--zero-grad", "--epochs", "20"], "train_loss", 3.7697, 0.00005),
        Expect::near(&["--zero-grad", "--epochs", "20"], "train_loss_epoch_1", 3.7698, 0.00005),
        Expect::near(&["--zero-grad", "--epochs", "20"], "test_rmse", 3.6900, 0.00005),
        Expect::near(&["--zero-grad", "--epochs", "20"], "bias_baseline_rmse", 0.9624, 0.00005),
        Expect::near(&["--zero-grad", "--weight-decay", "0", "--epochs", "20"], "train_loss", 0.8723, 0.00005),
        Expect::near(&["--zero-grad", "--weight-decay", "0", "--epochs", "20"], "test_rmse", 0.9709, 0.00005),
        Expect::is(
            &["--quick", "--data", "../shared/data/ml-100k", "--my-ratings", "examples/my-ratings.txt"],
            "my_ratings",
            "5",
        ),
        Expect::near(&["--data", "../shared/data/ml-100k"], "train_loss_epoch_1", 1.7712, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "train_loss", 0.9111, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "test_loss_article", 0.9502, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "test_rmse", 0.9680, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "test_mae", 0.7655, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "zero_grad_first_loss", 3.7294, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "zero_grad_last_loss", 3.7293, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "zero_grad_test_rmse", 3.7148, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "bias_baseline_rmse", 0.9550, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "bias_baseline_mae", 0.7550, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "improved_test_rmse", 0.8942, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "improved_test_mae", 0.7003, 0.00005),
        Expect::is(&["--data", "../shared/data/ml-100k"], "course_lost_ratings", "2"),
        Expect::near(&["--data", "../shared/data/ml-100k"], "course_test_loss_article", 0.9490, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "test_loss_absolute_mean", 0.7754, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "top_pick_rating_article", 4.262, 0.0005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "top_pick_rating_autorec", 4.376, 0.0005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "top_pick_rating_random", 3.621, 0.0005),
        Expect::near(&["--data", "../shared/data/ml-100k", "--seed", "2"], "train_loss", 0.9169, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k", "--seed", "2"], "test_loss_article", 0.9493, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k", "--seed", "2"], "test_rmse", 0.9711, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k", "--seed", "2"], "test_mae", 0.7638, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k", "--seed", "2"], "improved_test_rmse", 0.8933, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k", "--seed", "3"], "train_loss", 0.9146, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k", "--seed", "3"], "test_loss_article", 0.9512, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k", "--seed", "3"], "test_rmse", 0.9733, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k", "--seed", "3"], "test_mae", 0.7662, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k", "--seed", "3"], "improved_test_rmse", 0.8943, 0.00005),
    ],
};

/// The article's claims this chapter tests, each with the Results keys and the condition
/// that decide its verdict on every run (see [`crate::workbook::claims`]).
pub const CLAIMS: &[Claim] = &[
    Claim {
        id: "ranking",
        section: "§5",
        claim: "ranking the predicted ratings from 5 down to 1 tells each user which movies to watch",
        verdict: Reproduced,
        finding: "the test movie the article's model ranks first for a user was rated above that user's average",
        evidence: &[Check::gt(k("top_pick_rating_article"), k("top_pick_rating_random"))],
    },
    Claim {
        id: "erratum-b",
        section: "§5 1.3",
        claim: "the course code imports the tab-separated training and test sets as they are",
        verdict: Corrected,
        finding: "without header=None pandas makes the first line of each file its column names: one training and \
                  one test rating never reach the model",
        evidence: &[Check::is("course_lost_ratings", "2")],
    },
    Claim {
        id: "rating-matrix",
        section: "§5 1.5",
        claim: "the ratings become a users × movies matrix, with 0 where a user did not rate a movie",
        verdict: Reproduced,
        finding: "built so, the matrix is mostly zeros: a few per cent of it holds ratings",
        evidence: &[Check::lt(k("matrix_filled_percent"), n(10.0))],
    },
    Claim {
        id: "architecture",
        section: "§5 2.1",
        claim: "two encoding and two decoding layers (20, 10, 20 units, sigmoid on the first three) learn the ratings",
        verdict: Reproduced,
        finding: "the model predicts held-out ratings better than the global mean does",
        evidence: &[Check::lt(k("test_rmse"), k("global_mean_rmse"))],
    },
    Claim {
        id: "epochs-improve",
        section: "§5 3",
        claim: "each epoch adjusts the weights so the predictions improve",
        verdict: Reproduced,
        finding: "the printed train loss ends well below its first epoch's",
        evidence: &[Check::lt(k("train_loss"), k("train_loss_epoch_1"))],
    },
    Claim {
        id: "erratum-a",
        section: "§5 3",
        claim: "the course's training loop, RMSprop with weight decay 0.5, is a sound way to train the model",
        verdict: Corrected,
        finding: "it works only because the gradients are never reset: reset them and weight decay 0.5 collapses the \
                  model, worse than predicting the mean",
        evidence: &[Check::gt(k("zero_grad_test_rmse"), k("global_mean_rmse"))],
    },
    Claim {
        id: "erratum-d",
        section: "§5 4",
        claim: "the test loss is computed as an absolute mean",
        verdict: Corrected,
        finding: "the course computes each user's RMSE and averages those; a mean of absolute errors is a smaller number",
        evidence: &[Check::lt(k("test_loss_absolute_mean"), x(0.95, "test_loss_article"))],
    },
    Claim {
        id: "erratum-c",
        section: "§5 4",
        claim: "the autoencoder is a powerful recommender",
        verdict: Corrected,
        finding: "a user + item bias baseline, one number per user and one per movie, predicts the test ratings better",
        evidence: &[Check::gt(k("test_rmse"), k("bias_baseline_rmse"))],
    },
    Claim {
        id: "better-autoencoder",
        section: "§5 4",
        claim: "(not in the article) an autoencoder over movies instead of users, item-based AutoRec, does beat the baselines",
        verdict: Extended,
        finding: "its test RMSE is below the bias baseline's",
        evidence: &[Check::lt(k("improved_test_rmse"), k("bias_baseline_rmse"))],
    },
];
