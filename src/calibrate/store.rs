//! The calibration's work folder, shared by shards and resumed runs:
//!
//! ```text
//! OUT/calibration.toml                         what is being calibrated (the manifest)
//! OUT/gen-002/batch-0003-shard-1-of-4.csv      attempts of one batch (or a shard's share)
//! OUT/gen-002/population.csv                   the generation, once it has its particles
//! OUT/results/                                 posterior, fit and report (see `output`)
//! ```
//!
//! Every file is written under a temporary name and renamed into place (see
//! [`crate::sweep::store::write_atomic`]), so a file that exists is complete; a killed run
//! loses at most the batch in flight. Files hold full-precision numbers, so a resumed run
//! continues exactly where the interrupted one would have gone.

use std::fs;
use std::path::{Path, PathBuf};

use super::abc::{Generation, Particle};
use crate::sweep::Shard;
use crate::sweep::store::write_atomic;
use crate::uncertainty::Priors;

pub const MANIFEST: &str = "calibration.toml";
pub const RESULTS: &str = "results";

/// One attempt of a generation: its parameter values (empty when the proposal fell outside
/// the prior), the outputs of the replications it ran, and its distance.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub k: u64,
    pub values: Vec<f64>,
    pub outputs: Vec<f64>,
    pub distance: f64,
    pub simulations: u32,
    /// All replications ran (not rejected early or outside the model).
    pub complete: bool,
}

impl Attempt {
    pub fn rejected(k: u64, values: Vec<f64>) -> Attempt {
        Attempt {
            k,
            values,
            outputs: Vec::new(),
            distance: f64::INFINITY,
            simulations: 0,
            complete: false,
        }
    }
}

/// An open work folder.
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// Opens `dir` for the calibration described by `manifest`. A whole run owns the folder:
    /// an existing calibration is refused unless `resume` (continue it) or `force` (start
    /// over). Shards share it and always continue. A folder of another calibration is
    /// refused in every case.
    pub fn open(
        dir: &Path,
        manifest: &str,
        shard: bool,
        resume: bool,
        force: bool,
    ) -> Result<Store, String> {
        if dir.exists() && !dir.is_dir() {
            return Err(format!("{} exists and is not a folder", dir.display()));
        }
        let occupied = fs::read_dir(dir).is_ok_and(|mut e| e.next().is_some());
        let path = dir.join(MANIFEST);
        if occupied && force && !shard {
            fs::remove_dir_all(dir)
                .map_err(|e| format!("cannot replace {}: {e}", dir.display()))?;
        } else if occupied {
            match fs::read_to_string(&path) {
                Err(_) => {
                    return Err(format!(
                        "{} exists but holds no calibration ({MANIFEST} is missing); choose another --out",
                        dir.display()
                    ));
                }
                Ok(text) if text != manifest => {
                    return Err(format!(
                        "{} holds a different calibration (other scenario, priors, targets or settings); use another --out, or --force to start over",
                        dir.display()
                    ));
                }
                Ok(_) if !shard && !resume => {
                    return Err(format!(
                        "output folder {} already holds this calibration; continue it with --resume, start over with --force, or choose another --out",
                        dir.display()
                    ));
                }
                Ok(_) => {}
            }
        }
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        if !path.exists() {
            write_atomic(&path, manifest.as_bytes())?;
        }
        Ok(Store { dir: dir.to_path_buf() })
    }

    fn generation_dir(&self, g: u32) -> PathBuf {
        self.dir.join(format!("gen-{g:03}"))
    }

    /// The finished generations, in order.
    pub fn generations(&self, priors: &Priors, outputs: usize) -> Result<Vec<Generation>, String> {
        let mut all = Vec::new();
        for g in 0.. {
            let path = self.generation_dir(g).join("population.csv");
            if !path.exists() {
                break;
            }
            all.push(read_population(&path, g, priors.len(), outputs)?);
        }
        Ok(all)
    }

    /// Every simulated replication recorded in the folder.
    pub fn simulations(&self) -> Result<u64, String> {
        let mut total = 0;
        for g in 0.. {
            let dir = self.generation_dir(g);
            if !dir.exists() {
                break;
            }
            total += self.batch_files(g)?.iter().try_fold(0u64, |acc, f| {
                read_attempts(f, usize::MAX, usize::MAX)
                    .map(|a| acc + a.iter().map(|a| a.simulations as u64).sum::<u64>())
            })?;
        }
        Ok(total)
    }

    fn batch_files(&self, g: u32) -> Result<Vec<PathBuf>, String> {
        let dir = self.generation_dir(g);
        let Ok(entries) = fs::read_dir(&dir) else { return Ok(Vec::new()) };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name().is_some_and(|n| {
                    let n = n.to_string_lossy();
                    n.starts_with("batch-") && n.ends_with(".csv")
                })
            })
            .collect();
        files.sort();
        Ok(files)
    }

    /// The attempts of generation `g` saved so far, by `k`, each once.
    pub fn attempts(&self, g: u32, params: usize, outputs: usize) -> Result<Vec<Attempt>, String> {
        let mut all: Vec<Attempt> = Vec::new();
        for file in self.batch_files(g)? {
            all.extend(read_attempts(&file, params, outputs)?);
        }
        all.sort_by_key(|a| a.k);
        all.dedup_by_key(|a| a.k);
        Ok(all)
    }

    pub fn save_batch(
        &self,
        g: u32,
        b: u64,
        shard: Option<Shard>,
        attempts: &[Attempt],
    ) -> Result<(), String> {
        let dir = self.generation_dir(g);
        fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let name = match shard {
            Some(s) => format!("batch-{b:04}-shard-{}-of-{}.csv", s.index, s.count),
            // A whole run may complete a batch that shards began: its file holds the rest.
            None => format!("batch-{b:04}-rest-{:04}.csv", self.batch_files(g)?.len()),
        };
        write_atomic(&dir.join(name), attempts_csv(attempts).as_bytes())
    }

    pub fn save_generation(&self, generation: &Generation, priors: &Priors) -> Result<(), String> {
        let dir = self.generation_dir(generation.index);
        fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        write_atomic(&dir.join("population.csv"), population_csv(generation, priors).as_bytes())
    }
}

/// Numbers as Rust prints them: the shortest text that reads back to the same bits.
fn num(x: f64) -> String {
    format!("{x}")
}

fn attempts_csv(attempts: &[Attempt]) -> String {
    let mut text = String::from("attempt,distance,simulations,complete,values,outputs\n");
    for a in attempts {
        let join = |xs: &[f64]| xs.iter().map(|x| num(*x)).collect::<Vec<_>>().join(" ");
        text.push_str(&format!(
            "{},{},{},{},{},{}\n",
            a.k,
            num(a.distance),
            a.simulations,
            a.complete,
            join(&a.values),
            join(&a.outputs)
        ));
    }
    text
}

fn parse_list(text: &str) -> Result<Vec<f64>, String> {
    text.split_whitespace()
        .map(|x| x.parse::<f64>().map_err(|_| format!("`{x}` is not a number")))
        .collect()
}

/// Reads a batch file; `params`/`outputs` check the row lengths (usize::MAX: any).
fn read_attempts(path: &Path, params: usize, outputs: usize) -> Result<Vec<Attempt>, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let bad = |line: usize, why: String| format!("{} line {}: {why}", path.display(), line + 1);
    let mut all = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let [k, distance, simulations, complete, values, outs] = f.as_slice() else {
            return Err(bad(i, "expected 6 fields".into()));
        };
        let a = Attempt {
            k: k.parse().map_err(|_| bad(i, format!("attempt `{k}`")))?,
            distance: distance.parse().map_err(|_| bad(i, format!("distance `{distance}`")))?,
            simulations: simulations
                .parse()
                .map_err(|_| bad(i, format!("count `{simulations}`")))?,
            complete: complete.parse().map_err(|_| bad(i, format!("flag `{complete}`")))?,
            values: parse_list(values).map_err(|e| bad(i, e))?,
            outputs: parse_list(outs).map_err(|e| bad(i, e))?,
        };
        let sized = |n: usize, want: usize| want == usize::MAX || n == want || n == 0;
        if !sized(a.values.len(), params) || !sized(a.outputs.len(), outputs) {
            return Err(bad(
                i,
                "row does not match this calibration's parameters and outputs".into(),
            ));
        }
        all.push(a);
    }
    Ok(all)
}

fn population_csv(g: &Generation, priors: &Priors) -> String {
    let mut text = format!(
        "# tolerance={} scale={} attempts={} simulations={}\nparticle,weight,distance,{},outputs\n",
        num(g.tolerance),
        num(g.scale),
        g.attempts,
        g.simulations,
        priors.paths().join(",")
    );
    for (i, p) in g.particles.iter().enumerate() {
        let values: Vec<String> = p.values.iter().map(|x| num(*x)).collect();
        let outputs: Vec<String> = p.outputs.iter().map(|x| num(*x)).collect();
        text.push_str(&format!(
            "{i},{},{},{},{}\n",
            num(p.weight),
            num(p.distance),
            values.join(","),
            outputs.join(" ")
        ));
    }
    text
}

fn read_population(
    path: &Path,
    g: u32,
    params: usize,
    outputs: usize,
) -> Result<Generation, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let bad = |why: &str| format!("{} is damaged: {why}", path.display());
    let mut lines = text.lines();
    let header = lines.next().ok_or_else(|| bad("empty"))?;
    let field = |name: &str| -> Result<f64, String> {
        header
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| bad(&format!("no {name} in the first line")))
    };
    let (tolerance, scale) = (field("tolerance")?, field("scale")?);
    let (attempts, simulations) = (field("attempts")? as u64, field("simulations")? as u64);
    lines.next();
    let mut particles = Vec::new();
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != 4 + params {
            return Err(bad("a row does not match this calibration's parameters"));
        }
        let n = |s: &str| s.parse::<f64>().map_err(|_| bad(&format!("`{s}` is not a number")));
        let values = f[3..3 + params].iter().map(|s| n(s)).collect::<Result<Vec<f64>, String>>()?;
        let outs = parse_list(f[3 + params]).map_err(|e| bad(&e))?;
        if outs.len() != outputs {
            return Err(bad("a row does not match this calibration's outputs"));
        }
        particles.push(Particle { values, weight: n(f[1])?, distance: n(f[2])?, outputs: outs });
    }
    Ok(Generation { index: g, tolerance, scale, particles, attempts, simulations })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_and_populations_read_back_bit_for_bit() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("cal"), "m = 1\n", false, false, false).unwrap();
        let a = vec![
            Attempt {
                k: 0,
                values: vec![0.1 + 0.2, 650.0],
                outputs: vec![1.0 / 3.0],
                distance: 0.7,
                simulations: 2,
                complete: true,
            },
            Attempt::rejected(1, Vec::new()),
        ];
        store.save_batch(0, 0, None, &a).unwrap();
        assert_eq!(store.attempts(0, 2, 1).unwrap(), a);
        assert_eq!(store.simulations().unwrap(), 2);
        let priors = Priors::parse(
            Path::new("p.toml"),
            "[[prior]]\npath = \"a\"\ndistribution = \"normal\"\nmean = 0\nsd = 1\nsource = \"x\"\n\
             [[prior]]\npath = \"b\"\ndistribution = \"normal\"\nmean = 0\nsd = 1\nsource = \"x\"\n",
        )
        .unwrap();
        let g = Generation {
            index: 0,
            tolerance: f64::INFINITY,
            scale: 0.25,
            particles: vec![Particle {
                values: vec![0.3, 1e-17],
                weight: 1.0,
                distance: 2.5,
                outputs: vec![0.47],
            }],
            attempts: 1,
            simulations: 2,
        };
        store.save_generation(&g, &priors).unwrap();
        assert_eq!(store.generations(&priors, 1).unwrap(), vec![g]);
        // The same folder refuses another calibration, and this one without --resume.
        let other = Store::open(&dir.path().join("cal"), "m = 2\n", false, true, false);
        assert!(other.err().unwrap().contains("different calibration"));
        let again = Store::open(&dir.path().join("cal"), "m = 1\n", false, false, false);
        assert!(again.err().unwrap().contains("--resume"));
        assert!(Store::open(&dir.path().join("cal"), "m = 1\n", false, true, false).is_ok());
    }
}
