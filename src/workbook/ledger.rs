//! The ledger: for each chapter, the article's claims it tests, each with the Results keys
//! and the condition that decide it (see [`crate::workbook::claims`]). The catalog reaches it
//! through [`crate::workbook::catalog::claims`].
//!
//! Claims are written in our own words; the section is the article's (§1 … §5, and for §5 the
//! sub-step, such as `§5 1.3`). A claim marked `extended` is something the article does not
//! say or do that the chapter adds. The errata carry the ids `erratum-a` … `erratum-h`.

use crate::workbook::claims::Verdict::{Corrected, Extended, Reproduced};
use crate::workbook::claims::{Check, Claim, Term};

const fn k(key: &'static str) -> Term {
    Term::key(key)
}

const fn n(v: f64) -> Term {
    Term::num(v)
}

const fn x(c: f64, key: &'static str) -> Term {
    Term::times(c, key)
}

const CH1_IDENTITY: &[Claim] = &[Claim {
    id: "one-hot-2",
    section: "§1",
    claim: "a 4-2-4 network can squeeze each of the four one-hot vectors into two numbers and give it back",
    verdict: Reproduced,
    finding: "all four come back within 0.1 of their targets, their codes near the corners of the unit square",
    evidence: &[Check::is("reconstructed", "4/4"), Check::lt(k("max_error"), n(0.1))],
}];

const CH1_MNIST: &[Claim] = &[
    Claim {
        id: "mnist-25",
        section: "§1",
        claim: "25 hidden units are enough to redraw 784-pixel digits, recognisably if not perfectly",
        verdict: Reproduced,
        finding: "the held-out error is under half that of drawing every digit as the mean image, and not zero",
        evidence: &[Check::lt(k("test_mse"), x(0.5, "mean_image_mse")), Check::gt(k("test_mse"), n(0.0))],
    },
    Claim {
        id: "sparse-by-default",
        section: "§1",
        claim: "when people speak of autoencoders they really mean sparse autoencoders",
        verdict: Corrected,
        finding: "§1's own 784-25-784 example uses no sparsity penalty, most of its code values are far from 0, \
                  and it reconstructs: its narrow code is the constraint",
        evidence: &[
            Check::lt(k("code_near_zero_fraction"), n(0.5)),
            Check::lt(k("test_mse"), x(0.5, "mean_image_mse")),
        ],
    },
];

const CH1_FEATURES: &[Claim] = &[
    Claim {
        id: "codes-as-features",
        section: "§1",
        claim: "an autoencoder extracts features that another algorithm, a classifier for one, can use",
        verdict: Reproduced,
        finding: "softmax regression on the 25 codes, learned without labels, gets most held-out digits right",
        evidence: &[Check::gt(k("accuracy_codes"), n(0.8))],
    },
    Claim {
        id: "codes-beat-points",
        section: "§1",
        claim: "in some cases the codes describe the data better than the data points themselves",
        verdict: Corrected,
        finding: "not in this case: as classifier input the 25 codes lose to the raw pixels and to 25 PCA components",
        evidence: &[
            Check::lt(k("accuracy_codes"), k("accuracy_pixels")),
            Check::lt(k("accuracy_codes"), k("accuracy_pca")),
        ],
    },
    Claim {
        id: "output-is-code",
        section: "§1",
        claim: "the output of an autoencoder is its middle layer, the representation of each point",
        verdict: Corrected,
        finding: "the network's output is the reconstruction, as wide as the input; the narrow middle layer is read \
                  from inside the network, and that is what the classifier gets",
        evidence: &[Check::lt(k("code_width"), k("output_width")), Check::gt(k("accuracy_codes"), n(0.8))],
    },
];

const CH2_STRUCTURE: &[Claim] = &[
    Claim {
        id: "exact-copy",
        section: "§2",
        claim: "once trained, an autoencoder's output is exactly its input",
        verdict: Corrected,
        finding: "never exactly: the held-out error stays above zero at every code size, 50 numbers included",
        evidence: &[Check::gt(k("ae_test_mse_code_50"), n(0.001))],
    },
    Claim {
        id: "bottleneck",
        section: "§2",
        claim: "a code shorter than the input forces dimensionality reduction: the narrower the code, the more is lost",
        verdict: Reproduced,
        finding: "the held-out error falls at every step as the code widens from 2 to 50 numbers",
        evidence: &[
            Check::gt(k("ae_test_mse_code_2"), k("ae_test_mse_code_5")),
            Check::gt(k("ae_test_mse_code_5"), k("ae_test_mse_code_10")),
            Check::gt(k("ae_test_mse_code_10"), k("ae_test_mse_code_25")),
            Check::gt(k("ae_test_mse_code_25"), k("ae_test_mse_code_50")),
        ],
    },
    Claim {
        id: "linear-is-pca",
        section: "§2",
        claim: "(not in the article) a linear autoencoder learns PCA's subspace, though not PCA's axes",
        verdict: Extended,
        finding: "its decoder spans the top principal components to within 2°, yet each unit lies far from every axis",
        evidence: &[
            Check::lt(k("max_principal_angle_degrees"), n(2.0)),
            Check::gt(k("min_unit_angle_degrees"), n(20.0)),
        ],
    },
    Claim {
        id: "two-numbers",
        section: "§2",
        claim: "(not in the article) with only 2 numbers, a nonlinear encoder and decoder keep more than PCA's first two components",
        verdict: Extended,
        finding: "the 784-64-2-64-784 network reconstructs held-out digits better than 2 principal components",
        evidence: &[Check::lt(k("two_number_ae_test_mse"), k("two_number_pca_test_mse"))],
    },
];

const CH3_TRAINING_STEPS: &[Claim] = &[
    Claim {
        id: "signed-error",
        section: "§3",
        claim: "step 4: the reconstruction error is the input vector minus the output vector",
        verdict: Corrected,
        finding: "that difference has entries of both signs, which would cancel; what is minimised is its mean square",
        evidence: &[
            Check::lt(k("step4_error_min"), n(0.0)),
            Check::gt(k("step4_error_max"), n(0.0)),
            Check::gt(k("step4_loss"), n(0.0)),
        ],
    },
    Claim {
        id: "backprop-share",
        section: "§3",
        claim: "step 5: backpropagation updates each weight by how much it was responsible for the error",
        verdict: Reproduced,
        finding: "every analytic gradient agrees with a numeric estimate of it to a relative error below 1e-6",
        evidence: &[Check::lt(k("gradient_max_relative_error"), n(1e-6))],
    },
    Claim {
        id: "sgd-epochs",
        section: "§3",
        claim: "steps 6–7: an update after every row, repeated for many epochs, drives the error down",
        verdict: Reproduced,
        finding: "the loss over the whole table falls to under a tenth of its first epoch's",
        evidence: &[Check::lt(k("final_loss"), x(0.1, "first_epoch_loss"))],
    },
];

const CH3_UNPOOLING: &[Claim] = &[
    Claim {
        id: "switches",
        section: "§3.1",
        claim: "switches remember where each pooled maximum came from, so unpooling can put it back there",
        verdict: Reproduced,
        finding: "with switches the worked example decodes to its input; dropping them into a fixed corner does not",
        evidence: &[Check::is("exact_reconstruction", "true"), Check::gt(k("switchless_corner_error"), n(0.0))],
    },
    Claim {
        id: "pooling-forgets",
        section: "§3.1",
        claim: "pooling throws away where each value was, so without help it cannot be undone",
        verdict: Reproduced,
        finding: "unpooling without switches misplaces the maxima, and copying each into its whole window is worse still",
        evidence: &[
            Check::gt(k("switchless_corner_error"), n(0.0)),
            Check::gt(k("switchless_copy_error"), k("switchless_corner_error")),
        ],
    },
    Claim {
        id: "erratum-e",
        section: "§3.1",
        claim: "unpooling with switches and then deconvolving gives back exactly the input",
        verdict: Corrected,
        finding: "only for an input built from one kernel stamp per window; a second input with the same maxima in \
                  the same places comes back as the first",
        evidence: &[Check::is("exact_reconstruction", "true"), Check::gt(k("lossy_example_error"), n(0.0))],
    },
];

const CH3_CONV_AUTOENCODER: &[Claim] = &[Claim {
    id: "conv-ae",
    section: "§3.1",
    claim: "(not in the article, which only works the example by hand) convolution, pooling with switches, unpooling \
            and deconvolution train together as an autoencoder",
    verdict: Extended,
    finding: "trained as long, it reconstructs held-out digits better than a dense autoencoder with a code of the \
              same size (its decoder also reads the switches)",
    evidence: &[Check::lt(k("test_mse"), k("dense_test_mse"))],
}];

const CH4_SPARSE: &[Claim] = &[
    Claim {
        id: "freedom-overfits",
        section: "§1",
        claim: "an autoencoder has so much freedom that it overfits, and a sparsity penalty is what reins it in",
        verdict: Corrected,
        finding: "the overcomplete plain layer does not overfit here (held-out error within 15 % of training error), \
                  and the penalties leave that ratio where it was",
        evidence: &[
            Check::lt(k("overfit_ratio_plain"), n(1.15)),
            Check::gt(k("overfit_ratio_kl"), x(0.95, "overfit_ratio_plain")),
        ],
    },
    Claim {
        id: "erratum-g",
        section: "§4.1",
        claim: "a sparse autoencoder is one with more hidden units than inputs",
        verdict: Corrected,
        finding: "width is neither needed nor enough: the 128-unit plain layer is not sparse, a layer of half as many \
                  units as inputs with the KL penalty is",
        evidence: &[
            Check::lt(k("near_zero_fraction_plain"), n(0.1)),
            Check::lt(k("narrow_hidden"), n(64.0)),
            Check::gt(k("near_zero_fraction_kl_narrow"), n(0.5)),
        ],
    },
    Claim {
        id: "sparse-no-copy",
        section: "§4.1",
        claim: "the sparsity constraint keeps the output layer from copying the input",
        verdict: Reproduced,
        finding: "the plain overcomplete layer gives back a large share of the variance of random patches it never \
                  saw; with the KL or top-k constraint almost none comes back",
        evidence: &[
            Check::gt(k("noise_copied_plain"), n(0.25)),
            Check::lt(k("noise_copied_kl"), n(0.1)),
            Check::lt(k("noise_copied_topk"), n(0.1)),
        ],
    },
    Claim {
        id: "penalty-near-zero",
        section: "§4.1",
        claim: "a sparsity penalty on the hidden layer holds its activations at a small value near zero",
        verdict: Reproduced,
        finding: "the KL units' mean activation settles near the target ρ, a fraction of the plain layer's",
        evidence: &[
            Check::lt(k("mean_activation_kl"), x(2.0, "target_rho")),
            Check::lt(k("mean_activation_kl"), x(0.25, "mean_activation_plain")),
        ],
    },
    Claim {
        id: "sparse-overfitting",
        section: "§4.1",
        claim: "the sparsity penalty prevents overfitting",
        verdict: Corrected,
        finding: "held-out and training errors differ by the same few per cent with and without the penalty: nothing \
                  here overfits",
        evidence: &[
            Check::lt(k("overfit_ratio_plain"), n(1.15)),
            Check::lt(k("overfit_ratio_kl"), n(1.15)),
            Check::gt(k("overfit_ratio_kl"), x(0.95, "overfit_ratio_plain")),
        ],
    },
    Claim {
        id: "top-k",
        section: "§4.1",
        claim: "a sparse autoencoder can keep the highest activations of each example and zero out the rest",
        verdict: Reproduced,
        finding: "top-k leaves at least the share of units it drops at zero on every held-out patch",
        evidence: &[Check::ge(k("near_zero_fraction_topk"), k("topk_zero_floor"))],
    },
    Claim {
        id: "every-unit-a-feature",
        section: "§4.1",
        claim: "switching hidden units on and off per example makes every hidden unit extract a feature",
        verdict: Corrected,
        finding: "with top-k or L1 most units never switch on at all, on average: well under three quarters of them \
                  are ever used",
        evidence: &[
            Check::lt(k("units_used_topk"), x(0.75, "hidden")),
            Check::lt(k("units_used_l1"), x(0.75, "hidden")),
        ],
    },
    Claim {
        id: "sparsity-costs",
        section: "§4.1",
        claim: "(not in the article) sparsity is paid for in reconstruction",
        verdict: Extended,
        finding: "every sparse code reconstructs held-out patches worse than the plain one",
        evidence: &[
            Check::gt(k("test_mse_kl"), k("test_mse_plain")),
            Check::gt(k("test_mse_l1"), k("test_mse_plain")),
            Check::gt(k("test_mse_topk"), k("test_mse_plain")),
        ],
    },
];

const CH4_DENOISING: &[Claim] = &[
    Claim {
        id: "dae-restores",
        section: "§4.2",
        claim: "a denoising autoencoder learns to remove the corruption, restoring corrupted inputs",
        verdict: Reproduced,
        finding: "on masked held-out digits it lands far closer to the clean digits than a plain autoencoder does",
        evidence: &[
            Check::lt(k("corrupted_test_mse_denoising"), k("corrupted_test_mse_plain")),
            Check::lt(k("corrupted_test_mse_denoising"), k("corrupted_input_mse")),
        ],
    },
    Claim {
        id: "dae-no-copy",
        section: "§4.2",
        claim: "corrupting the input keeps the network from copying input to output without learning anything",
        verdict: Reproduced,
        finding: "where ink was masked away it draws the strokes back, far brighter than the masked input it was shown",
        evidence: &[Check::gt(k("ink_level_denoising"), x(1.3, "ink_level_input"))],
    },
    Claim {
        id: "erratum-f",
        section: "§4.2",
        claim: "the denoising loss compares the output with the clean input, and, a bullet later, with the corrupted input",
        verdict: Corrected,
        finding: "only the clean target denoises: scored against the corrupted input, the network learns faded, holed \
                  strokes and restores masked digits worse than the clean-target one",
        evidence: &[
            Check::gt(k("corrupted_target_test_mse"), k("corrupted_test_mse_denoising")),
            Check::lt(k("ink_level_corrupted_target"), x(0.75, "ink_level_denoising")),
        ],
    },
    Claim {
        id: "dae-clean-price",
        section: "§4.2",
        claim: "(not in the article) robustness to corruption costs accuracy on clean inputs",
        verdict: Extended,
        finding: "on clean held-out digits the plain autoencoder reconstructs better than the denoising one",
        evidence: &[Check::lt(k("clean_test_mse_plain"), k("clean_test_mse_denoising"))],
    },
];

const CH4_CONTRACTIVE: &[Claim] = &[
    Claim {
        id: "cae-insensitive",
        section: "§4.3",
        claim: "the Jacobian penalty makes the code less sensitive to small variations of the input",
        verdict: Reproduced,
        finding: "the contractive code's Jacobian norm and its response to small random input noise are both several \
                  times smaller than the plain code's",
        evidence: &[
            Check::lt(k("jacobian_norm_contractive"), x(0.5, "jacobian_norm_plain")),
            Check::lt(k("noise_sensitivity_contractive"), x(0.5, "noise_sensitivity_plain")),
        ],
    },
    Claim {
        id: "cae-contracts-most",
        section: "§4.3",
        claim: "the penalty contracts the data more strongly than weight decay or denoising do",
        verdict: Reproduced,
        finding: "its Jacobian norm is the smallest of the four models",
        evidence: &[
            Check::lt(k("jacobian_norm_contractive"), k("jacobian_norm_weight_decay")),
            Check::lt(k("jacobian_norm_contractive"), k("jacobian_norm_denoising")),
        ],
    },
    Claim {
        id: "cae-better-features",
        section: "§4.3",
        claim: "the contractive autoencoder beats weight decay and denoising at learning useful features",
        verdict: Corrected,
        finding: "not on these digits: a classifier on its codes does no better than on the weight-decay or the \
                  denoising codes",
        evidence: &[
            Check::le(k("accuracy_contractive"), k("accuracy_weight_decay")),
            Check::le(k("accuracy_contractive"), k("accuracy_denoising")),
        ],
    },
    Claim {
        id: "cae-selective",
        section: "§4.3",
        claim: "(not in the article) the contraction is selective: small random moves shrink more than moves between digits",
        verdict: Extended,
        finding: "its ratio of noise sensitivity to digit-to-digit sensitivity is the lowest of the four models",
        evidence: &[
            Check::lt(k("noise_pairs_ratio_contractive"), k("noise_pairs_ratio_plain")),
            Check::lt(k("noise_pairs_ratio_contractive"), k("noise_pairs_ratio_weight_decay")),
            Check::lt(k("noise_pairs_ratio_contractive"), k("noise_pairs_ratio_denoising")),
        ],
    },
];

const CH4_STACKED: &[Claim] = &[
    Claim {
        id: "levels",
        section: "§1",
        claim: "stacked layers build features level by level: borders first, then traces made of them",
        verdict: Corrected,
        finding: "not seen here: first-layer units already reach across most of the digit, and second-layer units \
                  reach no further",
        evidence: &[
            Check::gt(k("receptive_radius_layer1"), x(0.7, "receptive_radius_uniform")),
            Check::le(k("receptive_radius_layer2"), k("receptive_radius_layer1")),
        ],
    },
    Claim {
        id: "stack-of-sparse",
        section: "§4.4",
        claim: "a stacked autoencoder is several layers of sparse autoencoders, trained one at a time",
        verdict: Reproduced,
        finding: "a greedy stack with a KL penalty on every code has sparser top codes than the plain stack and \
                  classifies at least as well",
        evidence: &[
            Check::gt(k("near_zero_fraction_stacked_sparse"), k("near_zero_fraction_stacked")),
            Check::ge(k("accuracy_stacked_sparse"), k("accuracy_stacked")),
        ],
    },
    Claim {
        id: "compact-layers",
        section: "§4.4",
        claim: "each added layer makes a more compact code that still keeps the important features",
        verdict: Reproduced,
        finding: "the 64-number top code classifies within a few points of the 784 raw pixels",
        evidence: &[Check::gt(k("accuracy_stacked"), x(0.97, "accuracy_pixels"))],
    },
    Claim {
        id: "denoising-stack",
        section: "§4.4",
        claim: "corrupting each layer's input while it is trained helps the stack learn useful features",
        verdict: Reproduced,
        finding: "the stacked denoising codes classify at least as well as the plain stack's (a gap within sampling noise)",
        evidence: &[Check::ge(k("accuracy_stacked_denoising"), k("accuracy_stacked"))],
    },
    Claim {
        id: "codes-to-svm",
        section: "§4.4",
        claim: "the stack's output can feed a separate SVM or multi-class logistic regression",
        verdict: Reproduced,
        finding: "both classifiers on the stacked denoising codes get most held-out digits right",
        evidence: &[
            Check::gt(k("accuracy_stacked_denoising"), n(0.85)),
            Check::gt(k("accuracy_stacked_denoising_svm"), n(0.85)),
        ],
    },
    Claim {
        id: "fine-tuning",
        section: "§4.4",
        claim: "(not in the article) fine-tuning the whole stack with the classifier on top adds the most",
        verdict: Extended,
        finding: "fine-tuned by backpropagation, both stacks beat their frozen codes",
        evidence: &[
            Check::gt(k("accuracy_finetuned"), k("accuracy_stacked_denoising")),
            Check::gt(k("accuracy_stacked_finetuned"), k("accuracy_stacked")),
        ],
    },
];

const CH4_DEEP: &[Claim] = &[
    Claim {
        id: "four-rbms",
        section: "§4.5",
        claim: "the 784-pixel deep autoencoder is pretrained as a stack of 4 RBMs, unrolled, then fine-tuned by backpropagation",
        verdict: Reproduced,
        finding: "4 RBMs by CD-1, unrolled; fine-tuning cuts the unrolled network's error",
        evidence: &[
            Check::is("rbms", "4"),
            Check::lt(k("sq_error_per_image_pretrained"), k("sq_error_per_image_unrolled")),
        ],
    },
    Claim {
        id: "pretraining",
        section: "§4.5",
        claim: "unsupervised layer-by-layer pretraining is how a deep autoencoder is trained",
        verdict: Reproduced,
        finding: "the same network and fine-tuning from random weights ends with more than twice the error",
        evidence: &[Check::lt(k("sq_error_per_image_pretrained"), x(0.5, "sq_error_per_image_random_init"))],
    },
    Claim {
        id: "erratum-h",
        section: "§4.5",
        claim: "a deep autoencoder is two identical deep belief networks, one to encode and one to decode",
        verdict: Corrected,
        finding: "it is one stack used twice: the decoder starts as the encoder's weights transposed, and fine-tuning \
                  moves the two apart",
        evidence: &[
            Check::le(k("tied_gap_before_finetuning"), n(0.0)),
            Check::gt(k("tied_gap_after_finetuning"), n(0.05)),
        ],
    },
    Claim {
        id: "compact-code",
        section: "§4.5",
        claim: "(beyond the article) the deep code is compact and good: 30 numbers reconstruct better than 30 PCA components",
        verdict: Extended,
        finding: "the pretrained, fine-tuned network's held-out error is below PCA's at the same code size",
        evidence: &[Check::lt(k("sq_error_per_image_pretrained"), k("sq_error_per_image_pca"))],
    },
];

const CH5_RECOMMENDER: &[Claim] = &[
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

/// Every chapter's claims, in the catalog's order.
pub const LEDGER: &[(&str, &[Claim])] = &[
    ("ch1_identity", CH1_IDENTITY),
    ("ch1_mnist", CH1_MNIST),
    ("ch1_features", CH1_FEATURES),
    ("ch2_structure", CH2_STRUCTURE),
    ("ch3_training_steps", CH3_TRAINING_STEPS),
    ("ch3_unpooling", CH3_UNPOOLING),
    ("ch3_conv_autoencoder", CH3_CONV_AUTOENCODER),
    ("ch4_sparse", CH4_SPARSE),
    ("ch4_denoising", CH4_DENOISING),
    ("ch4_contractive", CH4_CONTRACTIVE),
    ("ch4_stacked", CH4_STACKED),
    ("ch4_deep", CH4_DEEP),
    ("ch5_recommender", CH5_RECOMMENDER),
];

/// The claims `chapter` tests (none for an unknown name).
pub fn of(chapter: &str) -> &'static [Claim] {
    LEDGER.iter().find(|(c, _)| *c == chapter).map_or(&[], |(_, cs)| cs)
}
