"""Vietnamese-looking names: the 34 provinces of 2025, departments, communes and people."""

import random

# The 34 provincial units after Nghị quyết 202/2025/QH15 (6 centrally-run cities first), with
# roughly how many communes and wards each has (about 3,300 in all).
PROVINCES: list[tuple[str, bool, int]] = [
    ("Hà Nội", True, 126),
    ("Huế", True, 40),
    ("Hải Phòng", True, 114),
    ("Đà Nẵng", True, 94),
    ("Hồ Chí Minh", True, 168),
    ("Cần Thơ", True, 103),
    ("Lai Châu", False, 38),
    ("Điện Biên", False, 45),
    ("Sơn La", False, 75),
    ("Lạng Sơn", False, 65),
    ("Quảng Ninh", False, 54),
    ("Thanh Hóa", False, 166),
    ("Nghệ An", False, 130),
    ("Hà Tĩnh", False, 69),
    ("Cao Bằng", False, 56),
    ("Tuyên Quang", False, 124),
    ("Lào Cai", False, 99),
    ("Thái Nguyên", False, 92),
    ("Phú Thọ", False, 148),
    ("Bắc Ninh", False, 99),
    ("Hưng Yên", False, 104),
    ("Ninh Bình", False, 129),
    ("Quảng Trị", False, 78),
    ("Quảng Ngãi", False, 96),
    ("Gia Lai", False, 135),
    ("Khánh Hòa", False, 65),
    ("Lâm Đồng", False, 124),
    ("Đắk Lắk", False, 102),
    ("Đồng Nai", False, 95),
    ("Tây Ninh", False, 96),
    ("Vĩnh Long", False, 124),
    ("Đồng Tháp", False, 102),
    ("Cà Mau", False, 64),
    ("An Giang", False, 102),
]

# Specialised departments of a provincial People's Committee after the 2025 reorganisation.
DEPARTMENTS = [
    ("Sở Nội vụ", "snv"),
    ("Sở Tài chính", "stc"),
    ("Sở Tư pháp", "stp"),
    ("Sở Nông nghiệp và Môi trường", "snnmt"),
    ("Sở Xây dựng", "sxd"),
    ("Sở Công Thương", "sct"),
    ("Sở Y tế", "syt"),
    ("Sở Giáo dục và Đào tạo", "sgddt"),
    ("Sở Khoa học và Công nghệ", "skhcn"),
    ("Sở Văn hóa, Thể thao và Du lịch", "svhttdl"),
    ("Thanh tra tỉnh", "tt"),
    ("Văn phòng UBND", "vp"),
]

SYLLABLES = (
    "An Bình Châu Chí Đông Đức Gia Hà Hải Hòa Hợp Hưng Hương Khánh Kim Lạc Lâm Liên Linh "
    "Long Minh Mỹ Nam Nghĩa Ngọc Phong Phú Phúc Quang Sơn Tân Thạch Thanh Thành Thịnh "
    "Thuận Tiến Trung Trường Tùng Văn Vĩnh Xuân Yên Đại Hoàng Cẩm Lộc Tây Bắc"
).split()

FAMILY = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trịnh Hà Mai"
).split()
MIDDLE = "Văn Thị Hữu Đức Minh Ngọc Thanh Quang Thu Xuân Hoài Công".split()
GIVEN = (
    "An Bình Cường Dũng Giang Hà Hải Hạnh Hiền Hiếu Hoa Hùng Hương Khoa Lan Linh Long Mai "
    "Minh Nam Nga Ngọc Phong Phúc Quân Sơn Tâm Thảo Thắng Thủy Trang Trung Tuấn Vân Việt Yến"
).split()

STREETS = "thôn, tổ dân phố, khu phố, bản, ấp".split(", ")


def slug(text: str) -> str:
    """ASCII letters for emails: 'Đắk Lắk' -> 'daklak'."""
    import unicodedata

    text = text.replace("Đ", "D").replace("đ", "d")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def commune_names(rng: random.Random, count: int) -> list[str]:
    """`count` distinct two-syllable place names."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"{rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}"
        if name.split()[0] != name.split()[1] and name not in seen:
            seen.add(name)
            names.append(name)
    return names


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
