//! The workbook's table of contents: every chapter binary that exists, its article section and
//! what it shows. `contents` prints it; a test checks it against Cargo.toml's `[[bin]]` list.

/// One chapter binary.
#[derive(Clone, Copy, Debug)]
pub struct Chapter {
    pub name: &'static str,
    pub section: &'static str,
    pub shows: &'static str,
}

/// The chapters that exist, in the article's order.
pub const CHAPTERS: &[Chapter] = &[
    Chapter {
        name: "ch1_identity",
        section: "§1",
        shows: "a 4-2-4 autoencoder of one-hot vectors: each input's 2-number code and reconstruction",
    },
    Chapter {
        name: "ch1_mnist",
        section: "§1",
        shows: "a 784-25-784 autoencoder on digit images: reconstructions and a walk between two codes (PNG), error per epoch (SVG)",
    },
    Chapter {
        name: "ch1_features",
        section: "§1, §4.4",
        shows: "autoencoder codes fed to softmax regression, against raw pixels and 25 PCA components",
    },
    Chapter {
        name: "ch2_structure",
        section: "§2",
        shows: "encoder/decoder and the bottleneck: error against code size; a linear AE spans PCA's subspace; 2-D codes drawn",
    },
    Chapter {
        name: "ch3_training_steps",
        section: "§3",
        shows: "the seven training steps on a customer × product table, backprop beside numeric gradients",
    },
    Chapter {
        name: "ch3_unpooling",
        section: "§3.1",
        shows: "the 4×4 worked example: pooling with switches, four unpooling steps, their sum",
    },
    Chapter {
        name: "ch3_conv_autoencoder",
        section: "§3.1",
        shows: "a trained conv autoencoder (conv, pool with switches, unpool, deconv) against a dense one",
    },
    Chapter {
        name: "ch4_sparse",
        section: "§4.1",
        shows: "an overcomplete autoencoder on digit patches, plain and with KL, L1 and top-k sparsity; features as a PNG",
    },
    Chapter {
        name: "ch4_denoising",
        section: "§4.2",
        shows: "masking corruption: clean / corrupted / restored digits, a plain autoencoder against denoising ones",
    },
    Chapter {
        name: "ch4_contractive",
        section: "§4.3",
        shows: "the Jacobian penalty: plain, weight-decay, denoising and contractive codes compared on held-out digits",
    },
    Chapter {
        name: "ch4_stacked",
        section: "§4.4",
        shows: "greedy layer-wise (and stacked denoising) autoencoders; top codes into softmax and an SVM",
    },
    Chapter {
        name: "ch4_deep",
        section: "§4.5",
        shows: "a stack of RBMs unrolled into a deep autoencoder and fine-tuned, against random init and PCA",
    },
    Chapter {
        name: "ch5_recommender",
        section: "§5",
        shows: "the article's recommender on MovieLens: faithful run, honest metrics, baselines, your own top 10",
    },
];

/// The command that runs a chapter.
pub fn command(name: &str) -> String {
    format!("cargo run --bin {name}")
}

/// A formula a chapter implements, with the function that computes it and the test that
/// checks it. Paths are from the checkout's root; a test in `tests/gallery.rs` checks that every
/// file exists, that the function is defined in it and that the test is defined in its file.
#[derive(Clone, Copy, Debug)]
pub struct Formula {
    /// What it is, in a few words.
    pub name: &'static str,
    /// The formula in [`crate::render::math`]'s notation.
    pub tex: &'static str,
    /// The file that computes it, e.g. `src/nn/loss.rs`.
    pub code: &'static str,
    /// The function there: `mse`, or `Type::method`.
    pub function: &'static str,
    /// The test file that checks it, e.g. `tests/gradients.rs`.
    pub test_file: &'static str,
    /// The test function in that file.
    pub test: &'static str,
}

/// What a Results key means and in which unit it is given. A `key` ending in `*` covers every
/// key that starts with the rest (`ae_test_mse_code_*`).
#[derive(Clone, Copy, Debug)]
pub struct Key {
    pub key: &'static str,
    pub meaning: &'static str,
    pub unit: &'static str,
}

/// What the gallery page says about a chapter beyond its Results and pictures.
#[derive(Clone, Copy, Debug)]
pub struct Page {
    pub chapter: &'static str,
    /// The article section it reproduces, in a line or two of our own words.
    pub summary: &'static str,
    pub formulas: &'static [Formula],
    pub keys: &'static [Key],
}

/// The page of a chapter, if the catalog has one.
pub fn page(chapter: &str) -> Option<&'static Page> {
    PAGES.iter().find(|p| p.chapter == chapter)
}

impl Page {
    /// The meaning of a Results key of this chapter (or one every chapter prints).
    pub fn key(&self, key: &str) -> Option<&'static Key> {
        let matches = |k: &&Key| match k.key.strip_suffix('*') {
            Some(prefix) => key.starts_with(prefix),
            None => k.key == key,
        };
        self.keys.iter().find(matches).or_else(|| COMMON_KEYS.iter().find(matches))
    }
}

const fn f(
    name: &'static str,
    tex: &'static str,
    (code, function): (&'static str, &'static str),
    (test_file, test): (&'static str, &'static str),
) -> Formula {
    Formula { name, tex, code, function, test_file, test }
}

const fn k(key: &'static str, meaning: &'static str, unit: &'static str) -> Key {
    Key { key, meaning, unit }
}

/// Keys that any chapter may print.
pub const COMMON_KEYS: &[Key] = &[
    k("gallery", "the page that shows every chapter run", "path"),
    k("claims", "claims of the article this chapter tests", "count"),
    k("claims_reproduced", "claims this run reproduces", "count"),
    k("claims_corrected", "claims this run shows to be wrong or vague", "count"),
    k("claims_extended", "claims this run takes further than the article", "count"),
    k("claims_not_shown", "claims whose evidence this run did not produce", "count"),
];

const ENCODER: Formula = f(
    "encoder: a dense layer with a sigmoid",
    "h = σ(W_1 x + b_1)",
    ("src/nn/dense.rs", "Dense::forward"),
    ("tests/gradients.rs", "dense_layer_gradients"),
);

/// Every chapter's page, in the article's order.
pub const PAGES: &[Page] = &[
    Page {
        chapter: "ch1_identity",
        summary: "§1 introduces the autoencoder as a network asked to hand back its own input. Four one-hot \
                  vectors go through a layer of only two units and out again, so those two numbers must become \
                  a code from which each vector can be rebuilt.",
        formulas: &[
            ENCODER,
            f(
                "decoder",
                "\\hat{x} = σ(W_2 h + b_2)",
                ("src/nn/network.rs", "Autoencoder::decode"),
                ("tests/gradients.rs", "whole_autoencoder_gradients"),
            ),
            f(
                "binary cross-entropy, the loss for outputs in (0, 1)",
                "L = −\\frac{1}{N} ∑_{i} [x_i \\op{ln}\\, \\hat{x}_i + (1 − x_i) \\op{ln}(1 − \\hat{x}_i)]",
                ("src/nn/loss.rs", "binary_cross_entropy"),
                ("tests/gradients.rs", "bce_gradient"),
            ),
            f(
                "Adam, the optimizer this chapter trains with (g the gradient, t the step)",
                "m ← β_1 m + (1 − β_1) g ,\\quad v ← β_2 v + (1 − β_2) g^2 ,\\quad \
                 θ ← θ − η \\frac{m / (1 − β_1^t)}{\\sqrt{v / (1 − β_2^t)} + ε}",
                ("src/nn/optim.rs", "Adam::update"),
                ("tests/optim.rs", "adam_with_weight_decay_two_steps"),
            ),
        ],
        keys: &[
            k("reconstructed", "inputs whose output has its largest entry in the right place", "inputs of all"),
            k("max_error", "largest |output − target| over every entry of the four outputs", "—"),
            k("epochs", "full-batch epochs until every entry was within the target error", "epochs"),
            k("stuck", "whether training ended with an error above the target", "yes/no"),
        ],
    },
    Page {
        chapter: "ch1_mnist",
        summary: "§1 then turns to handwriting: each 28×28 digit, 784 numbers, is squeezed into 25 and drawn \
                  again. The reconstructions are blurred but recognisable, so 25 numbers describe a digit well.",
        formulas: &[f(
            "the same layer on a batch: one image per row (B images)",
            "H = σ(X W_1^{T} + b_1) ,\\quad X: B × 784 ,\\; W_1: 25 × 784 ,\\; H: B × 25",
            ("src/nn/dense.rs", "Dense::forward"),
            ("tests/gradients.rs", "dense_layer_gradients"),
        )],
        keys: &[
            k("train_mse", "mean squared error per pixel on the training images", "per pixel, pixels in [0, 1]"),
            k("test_mse", "mean squared error per pixel on held-out images", "per pixel, pixels in [0, 1]"),
            k("samples_per_second", "training speed (not saved: it varies)", "images/s"),
            k("interpolation_png", "the picture of a walk between two codes", "path"),
        ],
    },
    Page {
        chapter: "ch1_features",
        summary: "§1 says the code is the useful output: features for another algorithm such as a classifier. \
                  Here the same softmax classifier reads autoencoder codes, raw pixels, or PCA components.",
        formulas: &[f(
            "softmax regression on a code h (s the class scores)",
            "p(y = c | h) = \\frac{e^{s_c}}{∑_{j} e^{s_j}} ,\\quad s = W h + b",
            ("src/compare/classify.rs", "softmax"),
            ("tests/classify.rs", "softmax_by_hand"),
        )],
        keys: &[
            k("accuracy_codes", "test accuracy of softmax regression on the autoencoder's codes", "fraction"),
            k("accuracy_pixels", "test accuracy on the raw pixels", "fraction"),
            k("accuracy_pca", "test accuracy on as many PCA components as the code has numbers", "fraction"),
        ],
    },
    Page {
        chapter: "ch2_structure",
        summary: "§2 describes the shape every autoencoder shares: an encoder that narrows the input to a short \
                  code, and a decoder as wide at the end as the input, which rebuilds it from the code. The \
                  narrow middle makes it reduce dimension.",
        formulas: &[
            f(
                "encoder f and decoder g around a code of k < d numbers",
                "h = f(x) = σ(W_1 x + b_1) ∈ ℝ^k ,\\quad \\hat{x} = g(h) = σ(W_2 h + b_2) ∈ ℝ^d",
                ("src/nn/network.rs", "Autoencoder::reconstruct"),
                ("tests/gradients.rs", "whole_autoencoder_gradients"),
            ),
            f(
                "principal angles between two subspaces (s_i the i-th singular value, Q orthonormal bases)",
                "\\op{cos} θ_i = s_i(Q_a^{T} Q_b)",
                ("src/compare/pca.rs", "principal_angles_degrees"),
                ("tests/pca.rs", "principal_angles_of_known_subspaces"),
            ),
            f(
                "PCA's error per entry is the variance it discards (λ_i the covariance eigenvalues)",
                "\\frac{1}{N d} ∑_{n} ‖x_n − \\hat{x}_n‖^2 = \\frac{1}{d} ∑_{i > k} λ_i",
                ("src/compare/pca.rs", "Pca::reconstruction_mse"),
                ("tests/pca.rs", "reconstruction_error_is_the_discarded_variance"),
            ),
        ],
        keys: &[
            k(
                "ae_test_mse_code_*",
                "held-out error per pixel of a 784-k-784 autoencoder with this code size k",
                "per pixel",
            ),
            k("error_vs_code_svg", "the chart of error against code size", "path"),
            k("k", "code width of the linear autoencoder compared with PCA", "units"),
            k(
                "max_principal_angle_degrees",
                "largest angle between the linear autoencoder's and PCA's subspaces",
                "degrees",
            ),
            k(
                "min_unit_angle_degrees",
                "smallest angle from a decoder column to its nearest principal axis",
                "degrees",
            ),
            k("linear_ae_test_mse", "held-out error of the linear autoencoder", "per pixel"),
            k("pca_test_mse", "held-out error of PCA with k components", "per pixel"),
            k("two_number_ae_test_mse", "held-out error of the 784-64-2-64-784 autoencoder", "per pixel"),
            k("two_number_pca_test_mse", "held-out error of PCA with 2 components", "per pixel"),
            k("latent_2d_svg", "the picture of every held-out digit's 2-number code", "path"),
        ],
    },
    Page {
        chapter: "ch3_training_steps",
        summary: "§3 breaks training into seven steps on a table of which customers bought which products: take \
                  a row, encode it, decode it, measure the reconstruction error, backpropagate and update, do the \
                  same for every row, and repeat for many epochs.",
        formulas: &[
            f(
                "step 4: the reconstruction error, squared and averaged",
                "L = \\frac{1}{N} ∑_{i=1}^{N} (\\hat{x}_i − x_i)^2",
                ("src/nn/loss.rs", "mse"),
                ("tests/gradients.rs", "mse_gradient"),
            ),
            f(
                "step 5: backpropagation through a sigmoid layer (δ the error at its pre-activation)",
                "δ = \\frac{∂L}{∂\\hat{x}} ⊙ \\hat{x} ⊙ (1 − \\hat{x}) ,\\quad \\frac{∂L}{∂W_2} = δ h^{T} ,\\quad \
                 \\frac{∂L}{∂h} = W_2^{T} δ",
                ("src/nn/dense.rs", "Dense::backward"),
                ("tests/gradients.rs", "dense_layer_gradients"),
            ),
            f(
                "step 5: the update, stochastic gradient descent with learning rate η",
                "θ ← θ − η \\frac{∂L}{∂θ}",
                ("src/nn/optim.rs", "Sgd::update"),
                ("tests/optim.rs", "sgd_step"),
            ),
        ],
        keys: &[
            k("gradient_max_relative_error", "largest relative gap between backprop and numeric gradients", "relative"),
            k("first_epoch_loss", "mean squared error over the whole table after the first epoch", "per entry"),
            k("final_loss", "the same after the last epoch", "per entry"),
        ],
    },
    Page {
        chapter: "ch3_unpooling",
        summary: "§3.1 follows a 4×4 feature map through 2×2 max pooling that remembers where each maximum was \
                  (its switch), then decodes: each pooled value scales a kernel laid at its switch, and the four \
                  stamps summed give back the map.",
        formulas: &[
            f(
                "max pooling with switches: each window w_ij keeps its maximum and where it was",
                "y_{ij} = \\opl{max}_{(p,q) ∈ w_{ij}} x_{pq} ,\\quad s_{ij} = \\opl{argmax}_{(p,q) ∈ w_{ij}} x_{pq}",
                ("src/conv/pool.rs", "max_pool2d"),
                ("tests/ch3_unpooling.rs", "step_2_pooling_finds_each_blob_centre"),
            ),
            f(
                "decoding: the kernel K scaled by each pooled value, its centre laid on the switch (K at s)",
                "\\hat{x} = ∑_{i,j} y_{ij} \\, K_{[s_{ij}]}",
                ("src/conv/pool.rs", "decode"),
                ("tests/ch3_unpooling.rs", "step_5_the_sum_is_the_input_and_overlaps_add"),
            ),
        ],
        keys: &[
            k("exact_reconstruction", "whether the four stamps summed equal the input bit for bit", "yes/no"),
            k(
                "lossy_example_error",
                "Σ(output − input)² for a second input with the same pooled values",
                "squared units",
            ),
            k(
                "switchless_corner_error",
                "the same error when each value goes to its window's top-left cell",
                "squared units",
            ),
            k(
                "switchless_copy_error",
                "the same error when each value is copied into its whole window",
                "squared units",
            ),
        ],
    },
    Page {
        chapter: "ch3_conv_autoencoder",
        summary: "§3.1 in practice: a convolutional encoder that pools with switches, and a decoder that unpools \
                  and deconvolves, trained on digit images and set beside a dense autoencoder.",
        formulas: &[
            f(
                "convolution (cross-correlation, stride s, padding p)",
                "y_{o,i,j} = b_o + ∑_{c} ∑_{u,v} w_{o,c,u,v} \\, x_{c, s i + u − p, s j + v − p}",
                ("src/conv/convolution.rs", "conv2d"),
                ("tests/conv_pool.rs", "hand_worked_convolutions"),
            ),
            f(
                "deconvolution is the transpose of convolution",
                "⟨\\op{conv}(x), y⟩ = ⟨x, \\op{conv}^{T}(y)⟩",
                ("src/conv/convolution.rs", "conv_transpose2d"),
                ("tests/conv_pool.rs", "conv_transpose2d_is_the_adjoint_of_conv2d"),
            ),
        ],
        keys: &[
            k("test_mse", "held-out error per pixel of the convolutional autoencoder", "per pixel"),
            k("dense_test_mse", "held-out error per pixel of a dense autoencoder with the same code size", "per pixel"),
            k("code_size", "numbers in the convolutional code", "numbers"),
        ],
    },
    Page {
        chapter: "ch4_sparse",
        summary: "§4.1: a hidden layer wider than the input could simply copy it; a sparsity penalty on the \
                  hidden activations, or keeping only each example's strongest units, makes each unit stand for \
                  a feature instead.",
        formulas: &[
            f(
                "KL sparsity penalty: each unit's mean activation ρ̂_j over a batch of B, pulled towards ρ",
                "Ω = β ∑_{j} \\op{KL}(ρ ‖ \\hat{ρ}_j) ,\\quad \\op{KL}(ρ ‖ \\hat{ρ}_j) = ρ \\op{ln} \\frac{ρ}{\\hat{ρ}_j} \
                 + (1 − ρ) \\op{ln} \\frac{1 − ρ}{1 − \\hat{ρ}_j} ,\\quad \\hat{ρ}_j = \\frac{1}{B} ∑_{r} h_{rj}",
                ("src/variants/sparse.rs", "kl_penalty"),
                ("tests/sparse.rs", "kl_by_hand"),
            ),
            f(
                "L1 penalty on the activations",
                "Ω = \\frac{λ}{B} ∑_{r} ∑_{j} |h_{rj}|",
                ("src/variants/sparse.rs", "l1_penalty"),
                ("tests/sparse.rs", "l1_penalty_gradient"),
            ),
            f(
                "top-k: keep each example's k largest activations",
                "h'_{rj} = h_{rj} \\text{ if } h_{rj} \\text{ is among the } k \\text{ largest of } h_r ,\\; 0 \\text{ otherwise}",
                ("src/variants/sparse.rs", "top_k_forward"),
                ("tests/sparse.rs", "top_k_by_hand"),
            ),
        ],
        keys: &[
            k("mean_activation_kl", "mean hidden activation with the KL penalty", "activation in (0, 1)"),
            k("target_rho", "the KL penalty's target activation ρ", "activation in (0, 1)"),
            k(
                "near_zero_fraction_*",
                "share of hidden activations below 0.05 on held-out patches, per method",
                "fraction",
            ),
            k("test_mse_*", "held-out reconstruction error per pixel, per method", "per pixel"),
        ],
    },
    Page {
        chapter: "ch4_denoising",
        summary: "§4.2: corrupt each input by setting a random part of it to zero, and train the network to give \
                  back the clean input; it cannot succeed by copying, so it has to learn what digits look like.",
        formulas: &[
            f(
                "masking corruption with rate ν",
                "\\tilde{x}_i = m_i x_i ,\\quad m_i ∼ \\op{Bernoulli}(1 − ν)",
                ("src/variants/denoise.rs", "mask_noise"),
                ("tests/denoise.rs", "masking_zeroes_exactly_the_masked_inputs"),
            ),
            f(
                "the loss compares the output with the clean input",
                "L = \\op{loss}(g(f(\\tilde{x})), x)",
                ("src/variants/denoise.rs", "gradients"),
                ("tests/denoise.rs", "a_denoising_step_is_the_plain_step_on_corrupted_input_against_clean_target"),
            ),
        ],
        keys: &[
            k("noise", "masking rate ν: the share of inputs set to 0", "fraction"),
            k(
                "corrupted_test_mse_*",
                "error per pixel against the clean digits, given corrupted ones, per model",
                "per pixel",
            ),
            k("corrupted_input_mse", "error per pixel of the corrupted digits themselves", "per pixel"),
            k("clean_test_mse_*", "error per pixel when given clean digits, per model", "per pixel"),
        ],
    },
    Page {
        chapter: "ch4_contractive",
        summary: "§4.3: add to the loss the squared Frobenius norm of the encoder's Jacobian, the sum of the \
                  squares of every ∂h_j/∂x_i, so the code changes little when the input changes a little.",
        formulas: &[
            f(
                "the Jacobian's squared Frobenius norm in closed form, for a sigmoid encoder",
                "‖J_f(x)‖_F^2 = ∑_{j} ∑_{i} (\\frac{∂h_j}{∂x_i})^2 = ∑_{j} (h_j (1 − h_j))^2 ∑_{i} W_{ji}^2",
                ("src/variants/contractive.rs", "jacobian_norm_sq"),
                ("tests/contractive.rs", "closed_form_norm_matches_a_finite_difference_jacobian"),
            ),
            f(
                "the contractive objective",
                "L_{CAE} = \\op{loss}(\\hat{x}, x) + λ ‖J_f(x)‖_F^2",
                ("src/variants/contractive.rs", "objective"),
                ("tests/contractive.rs", "whole_contractive_autoencoder_gradient"),
            ),
        ],
        keys: &[
            k("jacobian_norm_*", "mean Frobenius norm ‖J_f(x)‖_F over held-out digits, per model", "—"),
            k("noise_sensitivity_*", "mean ‖f(x + ε) − f(x)‖ / ‖ε‖ for small Gaussian noise ε, per model", "ratio"),
            k("test_mse_*", "held-out reconstruction error per pixel, per model", "per pixel"),
            k("accuracy_*", "test accuracy of a classifier on the codes, per model", "fraction"),
        ],
    },
    Page {
        chapter: "ch4_stacked",
        summary: "§4.4: train one autoencoder, then another on its codes, and so on, each layer more compact than \
                  the last (with corrupted inputs for the stacked denoising kind); the top code feeds a softmax \
                  classifier or an SVM.",
        formulas: &[f(
            "greedy layer-wise training: layer l learns to rebuild the codes of layer l − 1",
            "h_0 = x ,\\quad h_l = f_l(h_{l−1}) ,\\quad f_l \\text{ trained so that } g_l(f_l(h_{l−1})) ≈ h_{l−1}",
            ("src/variants/stacked.rs", "pretrain"),
            ("tests/stacked.rs", "greedy_pretraining_builds_the_stack_and_fine_tuning_lowers_the_loss"),
        )],
        keys: &[
            k("network", "layer widths of the stack, input first", "units"),
            k("accuracy_*", "test accuracy of the classifier on these features", "fraction"),
        ],
    },
    Page {
        chapter: "ch4_deep",
        summary: "§4.5: a deep autoencoder is pretrained as a stack of restricted Boltzmann machines, one layer at \
                  a time, then unrolled into an encoder and its mirror-image decoder and fine-tuned by \
                  backpropagation.",
        formulas: &[
            f(
                "an RBM's hidden units given its visible ones",
                "p(h_j = 1 | v) = σ(b_j + W_j v)",
                ("src/variants/rbm.rs", "Rbm::hidden_probs"),
                ("tests/rbm.rs", "cd1_mean_field_by_hand"),
            ),
            f(
                "the CD-1 update: data statistics minus one-step reconstruction statistics (p = p(h | v))",
                "ΔW = \\frac{η}{B} ((p^0)^{T} v^0 − (p^1)^{T} v^1)",
                ("src/variants/rbm.rs", "Rbm::cd_k"),
                ("tests/rbm.rs", "cd1_mean_field_by_hand"),
            ),
        ],
        keys: &[
            k("code_size", "numbers in the deep code", "numbers"),
            k("network", "layer widths of the unrolled autoencoder", "units"),
            k(
                "sq_error_per_image_*",
                "held-out squared error summed over an image's 784 pixels, averaged over images, per method",
                "per image",
            ),
            k("pretrained_beats_pca", "whether the pretrained, fine-tuned network beats PCA", "yes/no"),
            k("reconstructions_png", "the picture of reconstructions", "path"),
        ],
    },
    Page {
        chapter: "ch5_recommender",
        summary: "§5 builds a movie recommender: each user's row of ratings passes through a stacked \
                  autoencoder of 20, 10 and 20 units, trained only on the movies the user rated, and the outputs \
                  for unrated movies become predicted ratings to rank.",
        formulas: &[
            f(
                "squared error masked to the rated movies R",
                "L = \\frac{1}{|R|} ∑_{i ∈ R} (\\hat{x}_i − x_i)^2",
                ("src/nn/loss.rs", "masked_mse"),
                ("tests/gradients.rs", "masked_mse_gradient"),
            ),
            f(
                "the course code's masked loss (divided by all n movies) and the loss it prints",
                "L = \\frac{1}{n} ∑_{i ∈ R} (\\hat{x}_i − x_i)^2 ,\\quad \\text{printed: } \\sqrt{L n / |R|}",
                ("src/recommender/faithful.rs", "corrected_rmse"),
                ("tests/recommender.rs", "three_users_by_hand"),
            ),
            f(
                "RMSprop with weight decay λ, as PyTorch applies it",
                "g = ∇_θ L + λ θ ,\\quad v ← α v + (1 − α) g^2 ,\\quad θ ← θ − \\frac{η g}{\\sqrt{v} + ε}",
                ("src/nn/optim.rs", "RmsProp::update"),
                ("tests/optim.rs", "rmsprop_with_weight_decay_two_steps"),
            ),
            f(
                "the article's test metric: the mean over users U of each user's RMSE on their test ratings T_u",
                "\\frac{1}{|U|} ∑_{u ∈ U} \\sqrt{\\frac{1}{|T_u|} ∑_{i ∈ T_u} (\\hat{r}_{ui} − r_{ui})^2}",
                ("src/recommender/mod.rs", "evaluate"),
                ("tests/metrics.rs", "the_article_metric_is_a_mean_of_per_user_rmses"),
            ),
            f(
                "global RMSE: one vote per rating, what published results report",
                "\\sqrt{\\frac{∑_{u} ∑_{i ∈ T_u} (\\hat{r}_{ui} − r_{ui})^2}{∑_{u} |T_u|}}",
                ("src/recommender/mod.rs", "evaluate"),
                ("tests/metrics.rs", "global_rmse_gives_every_rating_one_vote"),
            ),
        ],
        keys: &[
            k("train_loss", "the article's printed train loss after the last epoch", "rating points"),
            k("seconds_per_epoch", "training time per epoch (not saved: it varies)", "seconds"),
            k("test_loss_article", "the article's test metric: mean of per-user RMSEs", "rating points"),
            k("test_rmse", "global RMSE of the article's model over all test ratings", "rating points"),
            k("test_mae", "mean absolute error of the article's model", "rating points"),
            k(
                "zero_grad_test_rmse",
                "global test RMSE when gradients are reset every step (the erratum)",
                "rating points",
            ),
            k("bias_baseline_rmse", "global test RMSE of the user + item bias baseline", "rating points"),
            k("improved_test_rmse", "global test RMSE of the best model: the blend of Part 3b", "rating points"),
            k("improved_test_mae", "mean absolute error of the blend of Part 3b", "rating points"),
            k("ablation_*", "global test RMSE of one row of Part 3b's ablation", "rating points"),
        ],
    },
];
/// The article's claims a chapter tests, each with the Results keys and the condition that
/// decide it: the ledger, kept in [`crate::workbook::ledger`].
pub fn claims(chapter: &str) -> &'static [crate::workbook::claims::Claim] {
    crate::workbook::ledger::of(chapter)
}
