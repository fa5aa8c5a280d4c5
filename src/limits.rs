//! Hard limits on what the program accepts, so bad input ends in a clear error instead of a
//! hang or a machine out of memory: input files are read only if they are regular files of at
//! most [`MAX_INPUT_BYTES`] (never `/dev/zero`, never a FIFO that blocks forever), thread
//! counts are capped at the machine's cores, and names that become file names are kept short
//! enough for every file system.

use std::io::{self, Read};
use std::path::Path;

/// The largest scenario, sweep or result-manifest file read (the shipped scenarios are under
/// 20 KiB; a megabyte is far beyond any hand-written file).
pub const MAX_INPUT_BYTES: u64 = 1 << 20;

/// The longest scenario or sweep name: it becomes part of file and folder names
/// (`scenario-NAME.toml`, `out/compare-A-vs-B`), which most file systems cap at 255 bytes.
pub const MAX_NAME_CHARS: usize = 100;

/// The longest last component of an output folder: the staging folder beside it adds
/// `.` + `.partial-` + a process id to it, and file systems cap a name at 255 bytes.
pub const MAX_FOLDER_NAME_BYTES: usize = 200;

/// The longest output path as a whole (Linux's PATH_MAX is 4096, and files go below it).
pub const MAX_OUT_PATH_BYTES: usize = 3_500;

/// Reads a text file the user named, refusing anything that is not a regular file (devices,
/// FIFOs, folders) and files over `limit` bytes. The type is checked before opening, because
/// opening a FIFO for reading blocks until a writer appears.
pub fn read_text_limited(path: &Path, limit: u64) -> io::Result<String> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("not a regular file ({}); give a scenario file", kind_of(&meta)),
        ));
    }
    if meta.len() > limit {
        return Err(too_large(meta.len(), limit));
    }
    let file = std::fs::File::open(path)?;
    // The size can change between the check and the read: never take more than the limit.
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64, limit));
    }
    String::from_utf8(bytes)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "the file is not UTF-8 text"))
}

/// [`read_text_limited`] with the input-file limit.
pub fn read_input(path: &Path) -> io::Result<String> {
    read_text_limited(path, MAX_INPUT_BYTES)
}

fn too_large(size: u64, limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("the file is larger than {} KiB (at least {size} bytes)", limit / 1024),
    )
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() { "a folder" } else { "not a plain file" }
}

/// The number of worker threads to use: 0 means all cores; more than the machine has is
/// capped (extra threads only cost time), with a note on standard error.
pub fn threads(requested: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if requested > cores {
        eprintln!(
            "note: --threads {requested} is more than this machine's {cores} cores; using {cores}"
        );
        cores
    } else {
        requested
    }
}

/// Cuts a line longer than `max` characters, marking the cut with "…", so one huge value
/// in an error message does not flood the screen.
pub fn cut_line(line: &str, max: usize) -> String {
    if line.chars().count() <= max {
        return line.to_string();
    }
    let kept: String = line.chars().take(max.saturating_sub(1)).collect();
    format!("{kept}…")
}

/// [`cut_line`] for every line of a message.
pub fn cut_lines(text: &str, max: usize) -> String {
    text.lines().map(|l| cut_line(l, max)).collect::<Vec<_>>().join("\n")
}

/// The widest line an error message shows.
pub const MAX_MESSAGE_LINE: usize = 300;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_devices_folders_and_large_files() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_input(dir.path()).unwrap_err().to_string();
        assert!(e.contains("a folder"), "{e}");
        #[cfg(unix)]
        {
            let e = read_input(Path::new("/dev/zero")).unwrap_err().to_string();
            assert!(e.contains("device"), "{e}");
        }
        let big = dir.path().join("big.toml");
        std::fs::write(&big, vec![b'#'; 2000]).unwrap();
        assert!(read_text_limited(&big, 1000).unwrap_err().to_string().contains("larger"));
        assert_eq!(read_text_limited(&big, 2000).unwrap().len(), 2000);
    }

    #[test]
    fn long_lines_are_cut_with_an_ellipsis() {
        assert_eq!(cut_line("abcdef", 6), "abcdef");
        assert_eq!(cut_line("abcdefg", 6), "abcde…");
        assert_eq!(cut_lines("ab\nabcdefgh", 4), "ab\nabc…");
    }
}
