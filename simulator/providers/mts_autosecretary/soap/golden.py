"""Writes the served SOAP metadata for https://aa.mts.ru into a directory (the golden copies).

    python -m simulator.providers.mts_autosecretary.soap.golden contracts/mts-autosecretary/wsdl
"""

from __future__ import annotations

import sys
from pathlib import Path

from .endpoint import service


def write(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ("un", "cdr"):
        metadata = service(name).metadata
        address = f"https://aa.mts.ru/api/v1/{name}.svc"
        files = {f"{name}.svc.wsdl": metadata.render("wsdl", address),
                 f"{name}.svc.singleWsdl.wsdl": metadata.render("singleWsdl", address)}
        for i in range(len(metadata.xsds)):
            files[f"{name}.svc.xsd{i}.xsd"] = metadata.render("xsd", address, i)
        for file_name, data in files.items():
            path = directory / file_name
            path.write_bytes(data)
            written.append(path)
    return written


if __name__ == "__main__":
    for path in write(Path(sys.argv[1] if len(sys.argv) > 1 else "contracts/mts-autosecretary/wsdl")):
        print(f"wrote {path}")
