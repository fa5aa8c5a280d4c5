use super::special::*;
use super::*;

const SHIPPED_PRIORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/priors/netherlands.toml");
const FRAGMENTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/fragmented.toml");

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

#[test]
fn special_functions_match_published_values() {
    // Γ(5) = 24, Γ(1/2) = √π.
    assert!(close(ln_gamma(5.0), 24f64.ln(), 1e-13));
    assert!(close(ln_gamma(0.5), std::f64::consts::PI.sqrt().ln(), 1e-13));
    assert!(close(normal_quantile(0.975), 1.959_963_984_540_054, 1e-14));
    assert!(close(normal_quantile(1e-10), -6.361_340_902_404_056, 1e-13));
    assert!(close(normal_cdf(1.959_963_984_540_054), 0.975, 1e-14));
    assert!(close(normal_cdf(-8.0), 6.220_960_574_271_785e-16, 1e-9));
    // Median of gamma(2, 1) and of beta(2, 5) (R: qgamma(0.5, 2), qbeta(0.5, 2, 5)).
    let gamma = Distribution::Gamma { shape: 2.0, scale: 1.0 };
    assert!(close(gamma.quantile(0.5), 1.678_346_990_016_661, 1e-12));
    let beta = Distribution::Beta { alpha: 2.0, beta: 5.0, low: 0.0, high: 1.0 };
    assert!(close(beta.quantile(0.5), 0.264_449_983_296_495_2, 1e-12));
}

fn all_kinds() -> Vec<Distribution> {
    vec![
        Distribution::Uniform { low: -1.0, high: 3.0 },
        Distribution::Normal { mean: 2.0, sd: 0.5 },
        Distribution::LogNormal { median: 650.0, sigma: 0.4 },
        Distribution::Beta { alpha: 0.7, beta: 3.0, low: 0.2, high: 0.9 },
        Distribution::Gamma { shape: 0.8, scale: 3.0 },
        Distribution::Gamma { shape: 40.0, scale: 0.1 },
    ]
}

#[test]
fn quantile_inverts_the_cdf() {
    for d in all_kinds() {
        for p in [1e-6, 0.001, 0.05, 0.3, 0.5, 0.77, 0.95, 0.999] {
            let x = d.quantile(p);
            assert!(close(d.cdf(x), p, 1e-9), "{d:?} p {p}: cdf(q) = {}", d.cdf(x));
        }
    }
}

#[test]
fn density_integrates_to_one_and_has_the_stated_mean() {
    for d in all_kinds() {
        // Midpoint rule over the central 1 - 2e-7 of the distribution, on the quantile grid.
        let (lo, hi) = (d.quantile(1e-7), d.quantile(1.0 - 1e-7));
        let n = 200_000;
        let h = (hi - lo) / n as f64;
        let (mut mass, mut first) = (0.0, 0.0);
        for i in 0..n {
            let x = lo + (i as f64 + 0.5) * h;
            let f = d.ln_pdf(x).exp() * h;
            mass += f;
            first += x * f;
        }
        assert!(close(mass, 1.0, 2e-3), "{d:?}: mass {mass}");
        assert!(
            close(first / mass, d.mean(), 2e-3),
            "{d:?}: mean {} vs {}",
            first / mass,
            d.mean()
        );
    }
}

fn priors_of(text: &str) -> Result<Priors, String> {
    Priors::parse(Path::new("test-priors.toml"), text)
}

#[test]
fn draws_are_deterministic_keyed_and_follow_the_prior() {
    let priors = priors_of(
        "[[prior]]\npath = \"hazards.detection\"\ndistribution = \"beta\"\nalpha = 4.0\nbeta = 6.0\nsource = \"assumption\"\n\
         [[prior]]\npath = \"services.shelter.capacity\"\ndistribution = \"uniform\"\nlow = 30\nhigh = 90\nwhole_number = true\nsource = \"assumption\"\n",
    )
    .unwrap();
    assert_eq!(priors.draw(7, 3), priors.draw(7, 3));
    assert_ne!(priors.draw(7, 3), priors.draw(7, 4));
    assert_ne!(priors.draw(7, 3), priors.draw(8, 3));
    let n = 20_000;
    let draws: Vec<Vec<f64>> = (0..n).map(|i| priors.draw(1, i)).collect();
    let mean = draws.iter().map(|d| d[0]).sum::<f64>() / n as f64;
    // Beta(4, 6): mean 0.4, sd 0.148; standard error of the mean 0.001.
    assert!((mean - 0.4).abs() < 0.005, "mean {mean}");
    assert!(draws.iter().all(|d| d[1].fract() == 0.0 && (30.0..=90.0).contains(&d[1])));
    let o = priors.overrides(&draws[0], "test");
    assert_eq!(o[0].value, Value::Float(draws[0][0]));
    assert_eq!(o[1].value, Value::Integer(draws[0][1] as i64));
    assert!(priors.ln_density(&draws[0]).is_finite());
    assert_eq!(priors.ln_density(&[0.5, 200.0]), f64::NEG_INFINITY);
}

#[test]
fn bad_files_are_explained_with_line_and_key() {
    let e = priors_of(
        "[[prior]]\npath = \"hazards.detection\"\ndistribution = \"betta\"\nsource = \"x\"\n",
    )
    .unwrap_err();
    assert!(e.contains("test-priors.toml:3") && e.contains("lognormal"), "{e}");
    let e = priors_of(
        "[[prior]]\npath = \"hazards.detection\"\ndistribution = \"normal\"\nmean = 0.4\nsd = -1\nsource = \"x\"\n",
    )
    .unwrap_err();
    assert!(e.contains("test-priors.toml:5") && e.contains("prior[0].sd"), "{e}");
    let e = priors_of(
        "[[prior]]\npath = \"hazards.detection\"\ndistribution = \"uniform\"\nlow = 0.1\nhigh = 0.5\nmedian = 3\nsource = \"x\"\n",
    )
    .unwrap_err();
    assert!(e.contains("has no `median`") && e.contains("low, high"), "{e}");
    let e =
        priors_of("[[prior]]\npath = \"a\"\ndistribution = \"gamma\"\nshape = 1\nsource = \"x\"\n")
            .unwrap_err();
    assert!(e.contains("needs `scale`"), "{e}");
    let e = priors_of("[[prior]]\npath = \"a\"\ndistribution = \"gamma\"\nshape = 1\nscale = 1\nsource = \"x\"\ncolour = 1\n")
        .unwrap_err();
    assert!(e.contains("colour") && e.contains("test-priors.toml:7"), "{e}");
    let twice =
        "[[prior]]\npath = \"a.b\"\ndistribution = \"normal\"\nmean = 0\nsd = 1\nsource = \"x\"\n";
    let e = priors_of(&format!("{twice}{twice}")).unwrap_err();
    assert!(e.contains("has a prior already"), "{e}");
    assert!(priors_of("").unwrap_err().contains("no [[prior]]"));
}

#[test]
fn check_against_refuses_unknown_paths_and_invalid_tails() {
    let scenario = Path::new(FRAGMENTED);
    let unknown = priors_of(
        "[[prior]]\npath = \"hazards.hr_homelesss\"\ndistribution = \"normal\"\nmean = 1.4\nsd = 0.1\nsource = \"x\"\n",
    )
    .unwrap();
    let e = unknown.check_against(scenario).unwrap_err();
    assert!(e.contains("has no key `hazards.hr_homelesss`"), "{e}");
    // A normal prior on a probability puts its 99.9% quantile above 1.
    let wide = priors_of(
        "[[prior]]\npath = \"hazards.detection\"\ndistribution = \"normal\"\nmean = 0.8\nsd = 0.1\nsource = \"x\"\n",
    )
    .unwrap();
    let e = wide.check_against(scenario).unwrap_err();
    assert!(e.contains("99.9% quantile") && e.contains("out of range"), "{e}");
    let integer = priors_of(
        "[[prior]]\npath = \"services.shelter.capacity\"\ndistribution = \"uniform\"\nlow = 30\nhigh = 90\nsource = \"x\"\n",
    )
    .unwrap();
    assert!(integer.check_against(scenario).unwrap_err().contains("whole_number = true"));
}

#[test]
fn shipped_priors_fit_every_shipped_scenario() {
    let priors = Priors::load(Path::new(SHIPPED_PRIORS)).unwrap();
    assert!(priors.len() >= 8, "the shipped priors cover the main uncertain parameters");
    let dir = Path::new(FRAGMENTED).parent().unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        priors.check_against(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}
