"""Phase 2's check against tuning to the sample: the same dump with every table, column and code category renamed
as another platform of the same kind might name them (T_GD_CLGC 处理过程, HJMC 环节名称, CLRBH 处理人编号, GDH 工单号,
ZDLX/ZDZ/ZDMC for the dictionary, categories written in words' initials …). `run.sh` runs the unedited
`mapping suggest` draft over it (run E).

    python tools/blind7/variant_headers.py EXPORT_DIR OUT_DIR
"""

import os
import sys

TABLES = {
    "T_GD_LZJL": ("T_GD_CLGC", {"LSH": "ID", "GDBH": "GDH", "CZLX": "HJMC", "CZRDM": "CLRBH", "CZDWDM": "CLBMDM",
                                "CBDWDM": "LXBMDM", "LZSJ": "CLSJ", "CLYJ": "BLYJ", "FJMC": "ZZCL", "YQJZSJ": "YQSX"}),
    "T_GD_JBXX": ("T_GD_GDXX", {"GDBH": "GDH", "SLSJ": "LDSJ", "SLQD": "LYQD", "LDRXM": "LXR", "LDHM": "LXDH",
                                "SQNR": "FYNR", "SFDZ": "XXDZ", "WTFL": "SXFL", "GDZT": "BLZT", "BLJZSJ": "BLSX",
                                "BJSJ": "JASJ", "SLRDM": "SLR"}),
    "T_GD_HFJL": ("T_HF_HFXX", {"GDBH": "GDH", "HFRDM": "HFRBH", "MYD": "MYCD", "SFJJ": "JJQK"}),
    "T_HW_THJL": ("T_HW_HWJL", {"GDBH": "GLGDH"}),
    "T_DM_ZD": ("T_XT_ZD", {"DMLB": "ZDLX", "DM": "ZDZ", "DMMC": "ZDMC"}),
    "T_DM_DW": ("T_XT_BM", {"DWDM": "BMDM", "DWMC": "BMMC", "SJDWDM": "SJBMDM"}),
    "T_DM_RY": ("T_XT_RY", {"RYDM": "GH", "RYXM": "XM", "SSDW": "SSBM"}),
}
CATEGORIES = {"CZLX": "HJMC", "MYD": "MYCD", "SFJJ": "JJQK", "SLQD": "LYQD", "WTFL": "SXFL", "GDZT": "BLZT"}


def main():
    src, dst = sys.argv[1:3]
    os.makedirs(dst, exist_ok=True)
    for name in sorted(os.listdir(src)):
        table = next(t for t in TABLES if t in name)
        new, columns = TABLES[table]
        raw = open(os.path.join(src, name), "rb").read()
        encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "gb18030"
        out, header_seen = [], False
        for line in raw.decode(encoding).split("\r\n"):
            if not header_seen and not line.startswith("#"):
                line, header_seen = ",".join(columns.get(h, h) for h in line.split(",")), True
            elif header_seen and table == "T_DM_ZD" and line:
                first, rest = line.split(",", 1)
                line = f"{CATEGORIES.get(first, first)},{rest}"
            out.append(line)
        with open(os.path.join(dst, name.replace(table, new)), "wb") as f:
            f.write("\r\n".join(out).encode(encoding))


if __name__ == "__main__":
    main()
