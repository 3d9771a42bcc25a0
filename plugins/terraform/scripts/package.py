"""Packages terraform-provider-cfaccess as a registry release is packaged, and
lays it out as a filesystem mirror that `terraform init` / `tofu init` accept.

    python3 plugins/terraform/scripts/package.py [--binary PATH] [--out DIR]
        [--version 0.1.0] [--host registry.terraform.io]
        [--namespace access-service-token]

Writes, under DIR (default target/terraform-mirror):
  dist/terraform-provider-cfaccess_<version>_<os>_<arch>.zip   the release zip
                                                              (one file:
                                                              terraform-provider-cfaccess_v<version>)
  dist/terraform-provider-cfaccess_<version>_SHA256SUMS        "<sha256>  <zip>"
  mirror/<host>/<namespace>/cfaccess/<the zip>                 the packed mirror
                                                              layout (Terraform's
                                                              internal/getproviders/
                                                              filesystem_search.go)
and prints the CLI configuration that points Terraform at the mirror.
"""

import argparse
import hashlib
import os
import platform
import shutil
import stat
import sys
import zipfile

TYPE = "cfaccess"


def target_platform():
    system = {"Linux": "linux", "Darwin": "darwin", "Windows": "windows"}.get(platform.system(), platform.system().lower())
    machine = {"x86_64": "amd64", "AMD64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(platform.machine(), platform.machine())
    return system, machine


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(root, "target", "release", "terraform-provider-cfaccess"))
    parser.add_argument("--out", default=os.path.join(root, "target", "terraform-mirror"))
    parser.add_argument("--version", default="0.1.0")
    parser.add_argument("--host", default="registry.terraform.io")
    parser.add_argument("--namespace", default="access-service-token")
    args = parser.parse_args(argv)
    if not os.path.isfile(args.binary):
        sys.exit(f"no provider binary at {args.binary}: build it first (cargo build --release -p terraform-provider)")

    system, machine = target_platform()
    zip_name = f"terraform-provider-{TYPE}_{args.version}_{system}_{machine}.zip"
    dist = os.path.join(args.out, "dist")
    mirror = os.path.join(args.out, "mirror", args.host, args.namespace, TYPE)
    for d in (dist, mirror):
        os.makedirs(d, exist_ok=True)

    zip_path = os.path.join(dist, zip_name)
    info = zipfile.ZipInfo(f"terraform-provider-{TYPE}_v{args.version}", date_time=(2026, 1, 1, 0, 0, 0))
    info.external_attr = (stat.S_IFREG | 0o755) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    with open(args.binary, "rb") as binary, zipfile.ZipFile(zip_path, "w") as z:
        z.writestr(info, binary.read())

    with open(zip_path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    sums = os.path.join(dist, f"terraform-provider-{TYPE}_{args.version}_SHA256SUMS")
    with open(sums, "w") as f:
        f.write(f"{digest}  {zip_name}\n")
    shutil.copyfile(zip_path, os.path.join(mirror, zip_name))

    source = f"{args.host}/{args.namespace}/{TYPE}"
    mirror_root = os.path.join(args.out, "mirror")
    print(f"release: {zip_path}\nsums:    {sums}\nmirror:  {mirror_root}\n")
    print("CLI configuration (~/.terraformrc, or the file TF_CLI_CONFIG_FILE names):\n")
    print("provider_installation {")
    print(f'  filesystem_mirror {{\n    path    = "{mirror_root}"\n    include = ["{source}"]\n  }}')
    print(f'  direct {{\n    exclude = ["{source}"]\n  }}')
    print("}")


if __name__ == "__main__":
    main(sys.argv[1:])
