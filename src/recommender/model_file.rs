//! The trained recommender on disk (`--save PATH`, `--load PATH`): a small, versioned binary
//! format with a checksum, written atomically.
//!
//! ```text
//! offset  size   field
//! 0       8      magic "AEWBMODL"
//! 8       4      format version, u32 little-endian (this is version 1)
//! 12      4      number of tensors T, u32 LE
//! then T times:
//!         4      name length L, u32 LE;  L bytes of UTF-8 name
//!         4      number of dimensions D, u32 LE;  D × u64 LE dimensions
//!         8·Π    the values, f64 LE, row-major (Π = product of the dimensions)
//! last    4      CRC-32 (IEEE, as in PNG and zlib) of every byte before it
//! ```
//!
//! Reading checks, in order: the length, the magic, the version, the checksum, then every
//! tensor's header against the bytes left. A truncated or corrupted file is an error naming
//! the file, never a wrong model. Writing goes to a temporary name and is renamed into place.
//!
//! [`save_models`] and [`load_models`] keep §5's two trained models in one such file:
//!
//! ```text
//! tensor                 shape          holds
//! faithful.theta         (P)            the article's model, in faithful_fast's flat layout
//! faithful.n_movies      (1)            n, the data's number of movies
//! autorec.v              (n_users, k)   AutoRec's encoder weights, one row per user
//! autorec.mu             (k)            its encoder bias
//! autorec.w              (n_users, k)   its decoder weights
//! autorec.b              (n_users)      its decoder bias
//! autorec.residual       (1)            1 if it learned the bias baseline's residuals, else 0
//! autorec.input_offset   (1)            the offset its encoder inputs were shifted by
//! ```
//!
//! AutoRec's item codes and its baseline are not stored: loading rebuilds them from the
//! training ratings, which must be the ones the models were trained on (a different number of
//! movies or users is an error naming the tensor).

use std::path::Path;

use crate::core::error::{Error, Result};
use crate::core::files;
use crate::core::files::crc32;
use crate::data::movielens::RatingTable;
use crate::recommender::autorec::{self, AutoRec, Recommender};
use crate::recommender::baselines::Baselines;
use crate::recommender::faithful_fast::Sae;

pub const MAGIC: &[u8; 8] = b"AEWBMODL";
pub const VERSION: u32 = 1;

/// One named array of f64 with its shape.
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    pub name: String,
    pub dims: Vec<u64>,
    pub values: Vec<f64>,
}

impl Tensor {
    pub fn new(name: &str, dims: &[u64], values: Vec<f64>) -> Self {
        assert_eq!(dims.iter().product::<u64>() as usize, values.len(), "Tensor {name}: shape and values disagree");
        Tensor { name: name.to_string(), dims: dims.to_vec(), values }
    }
}

pub fn encode(tensors: &[Tensor]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&(tensors.len() as u32).to_le_bytes());
    for t in tensors {
        out.extend_from_slice(&(t.name.len() as u32).to_le_bytes());
        out.extend_from_slice(t.name.as_bytes());
        out.extend_from_slice(&(t.dims.len() as u32).to_le_bytes());
        for d in &t.dims {
            out.extend_from_slice(&d.to_le_bytes());
        }
        for v in &t.values {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// Reads bytes in order, turning a short read into an error that names the file.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    file: &'a Path,
}

impl Reader<'_> {
    fn take(&mut self, n: usize, what: &str) -> Result<&[u8]> {
        if self.bytes.len() - self.at < n {
            return Err(Error::format(self.file, format!("truncated: {what} runs past the end of the file")));
        }
        let s = &self.bytes[self.at..self.at + n];
        self.at += n;
        Ok(s)
    }

    fn u32(&mut self, what: &str) -> Result<u32> {
        Ok(u32::from_le_bytes(self.take(4, what)?.try_into().expect("4 bytes")))
    }

    fn u64(&mut self, what: &str) -> Result<u64> {
        Ok(u64::from_le_bytes(self.take(8, what)?.try_into().expect("8 bytes")))
    }
}

/// Parses a model file's bytes; `file` names it in errors.
pub fn decode(file: &Path, bytes: &[u8]) -> Result<Vec<Tensor>> {
    if bytes.len() < MAGIC.len() + 12 {
        return Err(Error::format(file, format!("truncated: {} bytes is too short for a model file", bytes.len())));
    }
    if &bytes[..8] != MAGIC {
        return Err(Error::format(file, "not a workbook model file (wrong magic number)"));
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version != VERSION {
        return Err(Error::format(
            file,
            format!("model file version {version}; this workbook reads version {VERSION}"),
        ));
    }
    let (body, tail) = bytes.split_at(bytes.len() - 4);
    let stored = u32::from_le_bytes(tail.try_into().expect("4 bytes"));
    let actual = crc32(body);
    if stored != actual {
        return Err(Error::format(
            file,
            format!(
                "checksum mismatch (stored {stored:08x}, computed {actual:08x}): the file is corrupted or truncated"
            ),
        ));
    }
    let mut r = Reader { bytes: body, at: 12, file };
    let count = r.u32("the tensor count")?;
    let mut tensors = Vec::new();
    for i in 0..count {
        let len = r.u32("a tensor name's length")? as usize;
        let name = std::str::from_utf8(r.take(len, "a tensor name")?)
            .map_err(|_| Error::format(file, format!("tensor {i}: its name is not UTF-8")))?
            .to_string();
        let n_dims = r.u32("a tensor's dimension count")? as usize;
        if n_dims > 8 {
            return Err(Error::format(file, format!("tensor {name}: {n_dims} dimensions (at most 8)")));
        }
        let mut dims = Vec::with_capacity(n_dims);
        for _ in 0..n_dims {
            dims.push(r.u64("a tensor's dimensions")?);
        }
        let total = dims.iter().try_fold(1u64, |a, &d| a.checked_mul(d));
        let bytes_needed = total.and_then(|t| t.checked_mul(8)).filter(|&b| b <= (body.len() - r.at) as u64);
        let Some(bytes_needed) = bytes_needed else {
            return Err(Error::format(
                file,
                format!("tensor {name}: shape {dims:?} needs more bytes than the file has"),
            ));
        };
        let raw = r.take(bytes_needed as usize, "tensor values")?;
        let values: Vec<f64> =
            raw.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes"))).collect();
        if values.iter().any(|v| !v.is_finite()) {
            return Err(Error::format(file, format!("tensor {name}: holds a value that is not finite")));
        }
        tensors.push(Tensor { name, dims, values });
    }
    if r.at != body.len() {
        return Err(Error::format(file, format!("{} unexpected bytes after the last tensor", body.len() - r.at)));
    }
    Ok(tensors)
}

pub fn save(path: &Path, tensors: &[Tensor]) -> Result<()> {
    files::write_atomic(path, &encode(tensors))
}

pub fn load(path: &Path) -> Result<Vec<Tensor>> {
    decode(path, &files::read(path)?)
}

/// The tensor called `name` with exactly the shape `dims`, or an error naming the file.
pub fn find<'a>(file: &Path, tensors: &'a [Tensor], name: &str, dims: &[u64]) -> Result<&'a Tensor> {
    let t = tensors
        .iter()
        .find(|t| t.name == name)
        .ok_or_else(|| Error::format(file, format!("no tensor named {name:?} in the model file")))?;
    if t.dims != dims {
        return Err(Error::format(
            file,
            format!(
                "tensor {name:?} has shape {:?}, but this data needs {dims:?} (was the model trained on other data?)",
                t.dims
            ),
        ));
    }
    Ok(t)
}

/// The two models the chapter trains, as [`load_models`] returns them.
#[derive(Clone, Debug)]
pub struct Models {
    /// The article's model (trained by its fast twin).
    pub faithful: Sae,
    /// The item-based AutoRec, with its item codes rebuilt.
    pub autorec: Recommender,
}

/// Both models as the tensors of the file (the schema in the module doc).
pub fn models_to_tensors(sae: &Sae, rec: &Recommender) -> Vec<Tensor> {
    let ar = &rec.model;
    let (n, k) = (ar.n_users as u64, ar.hidden as u64);
    vec![
        Tensor::new("faithful.theta", &[sae.params().len() as u64], sae.params().to_vec()),
        Tensor::new("faithful.n_movies", &[1], vec![sae.n_movies() as f64]),
        Tensor::new("autorec.v", &[n, k], ar.v.clone()),
        Tensor::new("autorec.mu", &[k], ar.mu.clone()),
        Tensor::new("autorec.w", &[n, k], ar.w.clone()),
        Tensor::new("autorec.b", &[n], ar.b.clone()),
        Tensor::new("autorec.residual", &[1], vec![if rec.residual { 1.0 } else { 0.0 }]),
        Tensor::new("autorec.input_offset", &[1], vec![rec.input_offset]),
    ]
}

/// Writes both trained models to `path` (atomically).
pub fn save_models(path: &Path, sae: &Sae, rec: &Recommender) -> Result<()> {
    save(path, &models_to_tensors(sae, rec))
}

/// Reads both models back for the training ratings `train` they were trained on, with
/// `baselines` fitted on those ratings (AutoRec's predictions fall back on it and, with
/// `residual`, add it back).
pub fn load_models(path: &Path, train: &RatingTable, baselines: &Baselines) -> Result<Models> {
    models_from_tensors(path, &load(path)?, train, baselines)
}

/// [`load_models`] from tensors already read; `file` names them in errors.
pub fn models_from_tensors(
    file: &Path,
    tensors: &[Tensor],
    train: &RatingTable,
    baselines: &Baselines,
) -> Result<Models> {
    let scalar = |name: &str| find(file, tensors, name, &[1]).map(|t| t.values[0]);
    let n_movies = scalar("faithful.n_movies")?;
    if n_movies != train.n_movies() as f64 {
        return Err(Error::format(
            file,
            format!("the model was trained on {n_movies} movies, this data has {}", train.n_movies()),
        ));
    }
    let theta = find(file, tensors, "faithful.theta", &[Sae::param_count(train.n_movies()) as u64])?;
    let faithful = Sae::from_params(train.n_movies(), theta.values.clone()).expect("length checked by find");
    let n = train.n_users() as u64;
    let b = find(file, tensors, "autorec.b", &[n])?;
    let mu = tensors
        .iter()
        .find(|t| t.name == "autorec.mu")
        .ok_or_else(|| Error::format(file, "no tensor named \"autorec.mu\" in the model file"))?;
    let k = mu.values.len() as u64;
    let mu = find(file, tensors, "autorec.mu", &[k])?;
    let v = find(file, tensors, "autorec.v", &[n, k])?;
    let w = find(file, tensors, "autorec.w", &[n, k])?;
    let residual = scalar("autorec.residual")? != 0.0;
    let input_offset = scalar("autorec.input_offset")?;
    let model = AutoRec {
        n_users: n as usize,
        hidden: k as usize,
        v: v.values.clone(),
        mu: mu.values.clone(),
        w: w.values.clone(),
        b: b.values.clone(),
    };
    let columns = autorec::columns_for(train, baselines, residual);
    Ok(Models { faithful, autorec: Recommender::new(model, &columns, baselines.clone(), residual, input_offset) })
}
