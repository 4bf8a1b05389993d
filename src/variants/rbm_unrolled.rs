//! §4.5 describes a deep autoencoder as two identical deep belief networks, one to encode and
//! one to decode. What [`crate::variants::rbm::RbmStack::unroll`] builds is one stack used
//! twice: the decoder's layers are the encoder's, in reverse order, with transposed weights.
//! They start tied and drift apart as soon as fine-tuning updates each copy on its own.
//!
//! ```text
//! encoder layer i:  W_i   (n_{i+1}, n_i)        decoder layer L−1−i:  D_i   (n_i, n_{i+1})
//! gap = max_i ‖D_i − W_iᵀ‖_F / ‖W_i‖_F          0 when tied; how far apart fine-tuning took them
//! ```

use crate::nn::network::Autoencoder;

/// The largest relative gap between an encoder layer and its mirror decoder layer (see the
/// module doc). The decoder must mirror the encoder's shapes.
pub fn tied_gap(ae: &Autoencoder) -> f64 {
    let (enc, dec) = (&ae.encoder.layers, &ae.decoder.layers);
    assert_eq!(enc.len(), dec.len(), "tied_gap: the decoder does not mirror the encoder");
    enc.iter()
        .zip(dec.iter().rev())
        .map(|(e, d)| {
            let wt = e.w.transpose();
            assert_eq!(wt.shape(), d.w.shape(), "tied_gap: a decoder layer is not the transpose of its encoder layer");
            d.w.sub(&wt).frobenius() / e.w.frobenius()
        })
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::rng::Rng;
    use crate::nn::activation::Activation;
    use crate::nn::dense::Dense;
    use crate::nn::network::Network;

    #[test]
    fn a_mirrored_pair_has_no_gap_and_a_changed_decoder_has_one() {
        let mut rng = Rng::new(2);
        let e = Dense::xavier(5, 3, Activation::Sigmoid, &mut rng);
        let d = Dense { w: e.w.transpose(), b: vec![0.0; 5], activation: Activation::Sigmoid };
        let mut ae = Autoencoder::new(Network::new(vec![e.clone()]), Network::new(vec![d]));
        assert_eq!(tied_gap(&ae), 0.0);
        ae.decoder.layers[0].w = ae.decoder.layers[0].w.scale(1.5);
        assert!((tied_gap(&ae) - 0.5).abs() < 1e-12);
    }
}
