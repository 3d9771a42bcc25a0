//! `scripts/package.py` lays the provider out as a registry release and a
//! packed filesystem mirror: the layout Terraform's
//! `internal/getproviders/filesystem_search.go` reads
//! (`HOSTNAME/NAMESPACE/TYPE/terraform-provider-TYPE_VERSION_OS_ARCH.zip`),
//! a zip holding one executable whose name Terraform's
//! `internal/providercache/cached_provider.go` (`ExecutableFile`) accepts,
//! and `SHA256SUMS` naming the zip by its digest.

use std::process::Command;

const PLUGIN: &str = env!("CARGO_BIN_EXE_terraform-provider-cfaccess");

#[test]
fn one_command_makes_the_release_zip_its_sums_and_a_mirror_terraform_init_reads() {
    let out = std::env::temp_dir().join(format!("cfaccess-mirror-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/package.py");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let run = Command::new(&python).arg(script).args(["--binary", PLUGIN, "--version", "0.1.0", "--out"]).arg(&out).output().expect("run package.py");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let printed = String::from_utf8_lossy(&run.stdout);
    assert!(printed.contains("filesystem_mirror") && printed.contains("registry.terraform.io/access-service-token/cfaccess"), "{printed}");

    // Checked with Python's zipfile and hashlib, not with the script's own code.
    let check = r#"
import glob, hashlib, os, stat, sys, zipfile
out = sys.argv[1]
zips = glob.glob(os.path.join(out, "dist", "terraform-provider-cfaccess_0.1.0_*_*.zip"))
assert len(zips) == 1, zips
name = os.path.basename(zips[0])
sums = open(os.path.join(out, "dist", "terraform-provider-cfaccess_0.1.0_SHA256SUMS")).read()
assert sums == hashlib.sha256(open(zips[0], "rb").read()).hexdigest() + "  " + name + "\n", sums
mirrored = os.path.join(out, "mirror", "registry.terraform.io", "access-service-token", "cfaccess", name)
assert open(mirrored, "rb").read() == open(zips[0], "rb").read()
entries = zipfile.ZipFile(zips[0]).infolist()
assert [e.filename for e in entries] == ["terraform-provider-cfaccess_v0.1.0"], entries
assert stat.S_IMODE(entries[0].external_attr >> 16) & 0o111, "executable"
print("ok")
"#;
    let checked = Command::new(&python).args(["-c", check]).arg(&out).output().expect("run the check");
    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    let _ = std::fs::remove_dir_all(&out);
}
