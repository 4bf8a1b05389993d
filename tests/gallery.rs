//! The gallery page (`src/gallery.rs`, `src/render/html.rs`): its structure, its escaping, and
//! how it is rebuilt from the folders under the output root.

mod common;
use common::*;

use std::path::Path;

use autoencoders::render::html::{Html, escape, url_path};
use autoencoders::render::png::{GrayImage, write_png};
use autoencoders::workbook::gallery::{self, PAGE, PageUpdate, RESULTS_FILE};
use proptest::prelude::*;

/// Checks that every element is closed in order, as an HTML5 parser would need no repair for,
/// and returns the start tags seen (name and raw attribute text), in order.
fn balanced_tags(html: &str) -> Vec<(String, String)> {
    const VOID: &[&str] = &["img", "meta", "br", "hr", "link"];
    let body = html.strip_prefix("<!DOCTYPE html>\n").expect("the page starts with the HTML5 doctype");
    let mut stack: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find('<') {
        let end = rest[i..].find('>').expect("an unterminated tag") + i;
        let tag = &rest[i + 1..end];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "</{name}> closes the wrong element");
        } else {
            let (name, attrs) = tag.split_once(' ').unwrap_or((tag, ""));
            assert!(name.bytes().all(|b| b.is_ascii_alphanumeric()), "a strange tag name {name:?}");
            assert_eq!(attrs.matches('"').count() % 2, 0, "unbalanced quotes in <{tag}>");
            if !VOID.contains(&name) {
                stack.push(name.to_string());
            }
            seen.push((name.to_string(), attrs.to_string()));
        }
        rest = &rest[end + 1..];
    }
    assert!(stack.is_empty(), "left open: {stack:?}");
    seen
}

fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let start = attrs.find(&format!("{name}=\""))? + name.len() + 2;
    Some(&attrs[start..start + attrs[start..].find('"')?])
}

fn save(dir: &Path, text: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(RESULTS_FILE), text).unwrap();
}

/// A root holding: ch3_unpooling with a PNG and an SVG, ch1_identity with hostile text in its
/// Results, a folder without results and one naming no known chapter.
fn sample_root(label: &str) -> std::path::PathBuf {
    let root = temp_dir(label).parent().unwrap().to_path_buf();
    let unpool = root.join("ch3_unpooling");
    save(&unpool, "chapter: ch3_unpooling\nResults\nexact_reconstruction: true\n");
    write_png(&unpool.join("grid.png"), &GrayImage::filled(28, 14, 200)).unwrap();
    std::fs::write(unpool.join("curve.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>")
        .unwrap();
    std::fs::write(unpool.join("notes.txt"), "not a picture").unwrap();
    save(&root.join("my run #1"), "chapter: ch1_identity\nResults\nnote: <script>alert('x')</script> & \"so\"\n");
    save(&root.join("stranger"), "chapter: ch9_unknown\nResults\nx: 1\n");
    std::fs::create_dir_all(root.join("empty")).unwrap();
    root
}

#[test]
fn the_page_is_balanced_html5_with_a_contents_list_that_links_every_section() {
    let root = sample_root("gallery-structure");
    let entries = gallery::scan(&root);
    let names: Vec<(&str, &str)> = entries.iter().map(|e| (e.chapter.name, e.folder.as_str())).collect();
    // The article's order, whatever the folders are called; unknown and empty folders left out.
    assert_eq!(names, [("ch1_identity", "my run #1"), ("ch3_unpooling", "ch3_unpooling")]);
    assert_eq!(entries[1].pictures, ["curve.svg", "grid.png"]);

    let html = gallery::render(&root, &entries);
    let tags = balanced_tags(&html);
    let count = |t: &str| tags.iter().filter(|(n, _)| n == t).count();
    assert_eq!((count("html"), count("head"), count("body"), count("title"), count("h1")), (1, 1, 1, 1, 1));
    assert!(tags.iter().any(|(n, a)| n == "meta" && a == "charset=\"utf-8\""));
    assert!(html.contains(&format!("<meta name=\"generator\" content=\"{}\">", gallery::GENERATOR)));
    assert_eq!(attr(&tags[0].1, "lang"), Some("en"));

    let ids: Vec<&str> = tags.iter().filter(|(n, _)| n == "section").filter_map(|(_, a)| attr(a, "id")).collect();
    assert_eq!(ids.len(), 2);
    let links: Vec<&str> =
        tags.iter().filter(|(n, _)| n == "a").filter_map(|(_, a)| attr(a, "href")?.strip_prefix('#')).collect();
    assert_eq!(links, ids, "each section is linked once from the contents, in order");
    // Every chapter of the catalog is listed, run or not.
    assert_eq!(count("li"), autoencoders::workbook::catalog::CHAPTERS.len());
    assert!(html.contains("not run yet, <code>cargo run --bin ch1_mnist</code>"));

    // Pictures: every <img> points at a file that exists; the PNG is shown enlarged.
    let imgs: Vec<&str> = tags.iter().filter(|(n, _)| n == "img").map(|(_, a)| a.as_str()).collect();
    assert_eq!(imgs.len(), 2);
    for a in &imgs {
        let src = attr(a, "src").unwrap();
        assert!(root.join(src).is_file(), "{src}");
    }
    assert_eq!(attr(imgs[1], "width"), Some("224"), "28 pixels wide, enlarged at most 8 times");
    assert_eq!(attr(imgs[1], "height"), Some("112"));
    assert!(!html.contains("notes.txt"));
}

#[test]
fn text_from_results_and_folder_names_is_escaped() {
    let root = sample_root("gallery-escape");
    let html = gallery::render(&root, &gallery::scan(&root));
    balanced_tags(&html);
    assert!(!html.contains("<script"), "a Results value became markup");
    assert!(html.contains("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &quot;so&quot;"));
    assert!(html.contains("id=\"run-my-run--1\""), "the folder's id keeps only safe characters");
}

#[test]
fn a_chapter_saves_its_results_and_rebuilds_the_page_from_every_folder() {
    let root = sample_root("gallery-update");
    let out = root.join("ch4_sparse");
    let lines = vec![
        ("kl_mean_activation".to_string(), "0.063".to_string()),
        ("samples_per_second".to_string(), "64765".to_string()),
        ("note".to_string(), "two\nlines".to_string()),
    ];
    gallery::save_results("ch4_sparse", &out, &lines).unwrap();
    let saved = std::fs::read_to_string(out.join(RESULTS_FILE)).unwrap();
    // Timing lines are not saved (the same seed writes the same files); a newline in a value
    // cannot break the block.
    assert_eq!(saved, "chapter: ch4_sparse\nResults\nkl_mean_activation: 0.063\nnote: two lines\n");
    assert!(gallery::parse_results(&saved).is_some());

    let page = root.join(PAGE);
    assert_eq!(gallery::update_page(&out).unwrap(), PageUpdate::Written(page.clone()));
    assert_eq!(gallery::page_path(&out), page);
    let html = std::fs::read_to_string(&page).unwrap();
    for id in ["run-ch3_unpooling", "run-my-run--1", "run-ch4_sparse"] {
        assert!(html.contains(&format!("<section id=\"{id}\">")), "{id}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind: {leftovers:?}");
    // Rebuilding its own page again is fine.
    assert_eq!(gallery::update_page(&out).unwrap(), PageUpdate::Written(page));
}

#[test]
fn an_index_html_the_gallery_did_not_write_is_left_alone() {
    let root = sample_root("gallery-not-ours");
    let page = root.join(PAGE);
    std::fs::write(&page, "<!DOCTYPE html><title>my own page</title>").unwrap();
    assert_eq!(gallery::update_page(&root.join("ch3_unpooling")).unwrap(), PageUpdate::NotOurs(page.clone()));
    assert_eq!(std::fs::read_to_string(&page).unwrap(), "<!DOCTYPE html><title>my own page</title>");
}

#[test]
fn a_chapter_left_without_a_page_says_so_and_still_succeeds() {
    let root = temp_dir("gallery-chapter-not-ours").parent().unwrap().to_path_buf();
    std::fs::write(root.join(PAGE), "mine").unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_ch1_identity"))
        .args(["--quick", "--out"])
        .arg(root.join("run"))
        .output()
        .unwrap();
    assert_ok(&o);
    assert!(stderr(&o).starts_with("warning: ") && stderr(&o).contains("left alone"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(root.join(PAGE)).unwrap(), "mine");
    assert!(root.join("run").join(RESULTS_FILE).is_file());
}

#[test]
fn the_page_goes_in_the_folder_above_out() {
    assert_eq!(gallery::root_of(Path::new("pics")), Path::new("."));
    assert_eq!(gallery::root_of(Path::new("target/chapters/ch1_mnist")), Path::new("target/chapters"));
    // `.` names the current folder, so the page goes above it, where `scan` finds it.
    let here = std::env::current_dir().unwrap();
    assert_eq!(gallery::root_of(Path::new(".")), here.parent().unwrap());
}

#[test]
fn saved_results_that_are_not_a_results_block_are_ignored() {
    for text in ["", "chapter: ch1_mnist\n", "chapter: ch1_mnist\nResult\nx: 1\n", "chapter: a\nResults\nno colon\n"] {
        assert_eq!(gallery::parse_results(text), None, "{text:?}");
    }
}

#[test]
fn an_element_left_open_is_a_bug_the_writer_reports() {
    let r = std::panic::catch_unwind(|| {
        let mut h = Html::new();
        h.open("p", &[]);
        h.finish()
    });
    assert!(r.is_err());
    let mut h = Html::new();
    h.open("p", &[("class", "a\"b")]).text("1 < 2").close();
    assert_eq!(h.finish(), "<!DOCTYPE html>\n<p class=\"a&quot;b\">1 &lt; 2</p>\n\n");
}

proptest! {
    #[test]
    fn escaped_text_holds_no_markup_and_reads_back(s in "\\PC*") {
        let e = escape(&s);
        prop_assert!(!e.contains(['<', '>', '"', '\'']));
        let back = e.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'")
            .replace("&amp;", "&");
        prop_assert_eq!(back, s);
    }

    #[test]
    fn url_paths_keep_only_safe_bytes_and_decode_back(s in "\\PC*") {
        let u = url_path(&s);
        prop_assert!(u.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b)));
        let mut bytes = Vec::new();
        let mut it = u.bytes();
        while let Some(b) = it.next() {
            if b == b'%' {
                let hex = [it.next().unwrap(), it.next().unwrap()];
                bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).unwrap(), 16).unwrap());
            } else {
                bytes.push(b);
            }
        }
        prop_assert_eq!(String::from_utf8(bytes).unwrap(), s);
    }

    #[test]
    fn saved_results_read_back(pairs in proptest::collection::vec(("[a-z_]{1,12}", "[^\\n\\r]{0,30}"), 0..8)) {
        let lines: Vec<(String, String)> = pairs;
        let text = gallery::results_text("ch1_mnist", &lines);
        prop_assert_eq!(gallery::parse_results(&text), Some(("ch1_mnist".to_string(), lines)));
    }
}

// ---------------------------------------------------------------------------------------------
// The book's page: formulas with their code and tests, captions, key meanings, claims.

use autoencoders::render::math::to_mathml;
use autoencoders::workbook::captions;
use autoencoders::workbook::catalog::{self, CHAPTERS, PAGES};

fn checkout_file(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_formula_parses_and_names_code_and_a_test_that_exist() {
    let mut total = 0;
    for page in PAGES {
        for f in page.formulas {
            total += 1;
            let m = to_mathml(f.tex).unwrap_or_else(|e| panic!("{}: {e}", page.chapter));
            assert!(m.starts_with("<math display=\"block\">"));
            balanced_tags(&format!("<!DOCTYPE html>\n{m}"));
            // The function: `fn name` in its file, and for `Type::name` the type too.
            let code = checkout_file(f.code);
            let (owner, name) = f.function.rsplit_once("::").map_or((None, f.function), |(t, n)| (Some(t), n));
            assert!(
                code.contains(&format!("fn {name}(")) || code.contains(&format!("fn {name}<")),
                "{}: no fn {name} in {}",
                page.chapter,
                f.code
            );
            if let Some(t) = owner {
                let defined = ["struct ", "enum ", "impl ", "for "].iter().any(|k| code.contains(&format!("{k}{t} ")));
                assert!(defined, "{}: no type {t} in {}", page.chapter, f.code);
            }
            // The test: `fn test(` in its test file (proptest cases included).
            assert!(f.test_file.starts_with("tests/"), "{}", f.test_file);
            let tests = checkout_file(f.test_file);
            assert!(
                tests.contains(&format!("fn {}(", f.test)),
                "{}: no fn {} in {}",
                page.chapter,
                f.test,
                f.test_file
            );
        }
    }
    assert!(total >= 12, "only {total} formulas");
}

#[test]
fn every_chapter_has_a_page_and_every_page_a_chapter() {
    for c in CHAPTERS {
        let page = catalog::page(c.name).unwrap_or_else(|| panic!("{} has no page", c.name));
        assert!(page.summary.contains(c.section.split(',').next().unwrap()), "{}: the summary cites its §", c.name);
    }
    assert_eq!(PAGES.len(), CHAPTERS.len());
    // Key patterns: an exact key wins, a prefix with * covers a family.
    let p = catalog::page("ch2_structure").unwrap();
    assert_eq!(p.key("ae_test_mse_code_25").unwrap().unit, "per pixel");
    assert_eq!(p.key("gallery").unwrap().unit, "path");
    assert!(p.key("no_such_key").is_none());
}

/// A root with one ch3_unpooling run that recorded captions and claims, beside a picture
/// without a caption.
fn book_root(label: &str) -> std::path::PathBuf {
    let root = temp_dir(label).parent().unwrap().to_path_buf();
    let run = root.join("ch3_unpooling");
    save(&run, "chapter: ch3_unpooling\nResults\nexact_reconstruction: true\nmystery_key: 7\n");
    let fig = autoencoders::render::figures::value_grid("k", &autoencoders::Matrix::from_rows(&[&[1.0]]));
    captions::save_figure(&run, "b_first.svg", &fig).unwrap();
    write_png(&run.join("a_later.png"), &GrayImage::filled(28, 28, 9)).unwrap();
    captions::caption(&run, "a_later.png", "Rows: <one> & two.").unwrap();
    write_png(&run.join("c_loose.png"), &GrayImage::filled(4, 4, 9)).unwrap();
    std::fs::write(run.join(gallery::CLAIMS_FILE), "claim one: reproduced\n\nclaim two: corrected\n").unwrap();
    root
}

#[test]
fn a_section_reads_as_a_page_of_the_book() {
    let root = book_root("gallery-book");
    let entries = gallery::scan(&root);
    // Captioned pictures in the order the chapter drew them, then the others.
    assert_eq!(entries[0].pictures, ["b_first.svg", "a_later.png", "c_loose.png"]);
    let html = gallery::render(&root, &entries);
    let tags = balanced_tags(&html);
    let section = &html[html.find("<section").unwrap()..];
    // The order of a page: summary, claims, formulas, figures, Results, how to run it.
    let order: Vec<usize> = [
        "class=\"summary\">§3.1",
        "<h3>Claims</h3>",
        "<h3>Formulas</h3>",
        "<h3>Figures</h3>",
        "<h3>Results</h3>",
        "<h3>Run it</h3>",
    ]
    .iter()
    .map(|n| section.find(n).unwrap_or_else(|| panic!("no {n}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(section.contains("<li>claim one: reproduced</li>") && section.contains("<li>claim two: corrected</li>"));

    // One <math> per formula of the chapter, each beside two links into the checkout.
    let formulas = catalog::page("ch3_unpooling").unwrap().formulas;
    assert_eq!(tags.iter().filter(|(n, _)| n == "math").count(), formulas.len());
    let code_links: Vec<&str> = tags
        .iter()
        .filter(|(n, a)| n == "a" && a.contains("class=\"code\""))
        .filter_map(|(_, a)| attr(a, "href"))
        .collect();
    assert_eq!(code_links.len(), 2 * formulas.len());
    for href in &code_links {
        assert!(root.join(href).is_file(), "{href} does not reach a file from {}", root.display());
    }
    assert!(html.contains(&format!("<code>{}</code>", formulas[0].test)));

    // Every picture in a <figure> with a <figcaption>: the recorded caption (escaped), or
    // the file name marked as uncaptioned.
    assert_eq!(tags.iter().filter(|(n, _)| n == "figure").count(), 3);
    assert_eq!(tags.iter().filter(|(n, _)| n == "figcaption").count(), 3);
    assert!(
        html.contains("<figcaption>Rows: &lt;one&gt; &amp; two. <span class=\"file\">a_later.png</span></figcaption>")
    );
    assert!(html.contains("<figcaption class=\"uncaptioned\">c_loose.png (no caption)</figcaption>"));

    // Results with meaning and unit; an unknown key still shown.
    assert!(html.contains("<td>exact_reconstruction</td><td>true</td><td>whether the four stamps summed"));
    assert!(html.contains("<td>mystery_key</td><td>7</td><td class=\"unknown\"></td>"));
    assert!(section.contains("<code>cargo run --bin ch3_unpooling</code>"));
}

#[test]
fn a_chapter_records_a_caption_for_every_picture_it_draws() {
    let out = temp_dir("gallery-captions");
    for exe in [
        env!("CARGO_BIN_EXE_ch3_unpooling"),
        env!("CARGO_BIN_EXE_ch3_training_steps"),
        env!("CARGO_BIN_EXE_ch1_identity"),
    ] {
        let o = std::process::Command::new(exe).args(["--quick", "--out"]).arg(&out).output().unwrap();
        assert_ok(&o);
    }
    let recorded: Vec<String> = captions::read(&out).into_iter().map(|(f, _)| f).collect();
    for f in std::fs::read_dir(&out).unwrap().flatten() {
        let name = f.file_name().to_string_lossy().into_owned();
        if name.ends_with(".svg") || name.ends_with(".png") {
            assert!(recorded.contains(&name), "{name} has no caption");
        }
    }
    assert!(recorded.len() >= 6, "{recorded:?}");
}
