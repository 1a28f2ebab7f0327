"""The demo catalog's suppliers: about 40 SMEs in seven countries, with plausible
locations, languages and trust data."""

from __future__ import annotations

import random
from typing import NamedTuple, TypedDict

# Province (or state) of every demo city, for the location filters.
PROVINCES = {
    "Foshan": "Guangdong", "Shenzhen": "Guangdong", "Guangzhou": "Guangdong",
    "Dongguan": "Guangdong", "Chaozhou": "Guangdong", "Yiwu": "Zhejiang", "Ningbo": "Zhejiang",
    "Wenzhou": "Zhejiang", "Hangzhou": "Zhejiang", "Xiamen": "Fujian", "Quanzhou": "Fujian",
    "Jingdezhen": "Jiangxi", "Moradabad": "Uttar Pradesh", "Kanpur": "Uttar Pradesh",
    "Agra": "Uttar Pradesh", "Khurja": "Uttar Pradesh", "Jaipur": "Rajasthan",
    "Tiruppur": "Tamil Nadu", "Ludhiana": "Punjab", "Mumbai": "Maharashtra",
    "New Delhi": "Delhi", "Ho Chi Minh City": "Ho Chi Minh City", "Hanoi": "Hanoi",
    "Bat Trang": "Hanoi", "Binh Duong": "Binh Duong", "Da Nang": "Da Nang",
    "Hai Phong": "Hai Phong", "São Paulo": "São Paulo", "Franca": "São Paulo",
    "Bento Gonçalves": "Rio Grande do Sul", "Novo Hamburgo": "Rio Grande do Sul",
    "Blumenau": "Santa Catarina", "Belo Horizonte": "Minas Gerais", "Istanbul": "Istanbul",
    "Bursa": "Bursa", "Izmir": "Izmir", "Kütahya": "Kütahya", "Guadalajara": "Jalisco",
    "León": "Guanajuato", "Puebla": "Puebla", "Jepara": "Central Java",
    "Surabaya": "East Java", "Bandung": "West Java", "Jakarta": "Jakarta",
}  # fmt: skip


class SupplierRecord(TypedDict):
    id: str
    name: str
    country: str
    province: str
    city: str
    languages: list[str]
    verified: bool
    rating: float
    review_count: int
    years_in_business: int
    response_rate: float


class _Country(NamedTuple):
    code: str
    size: int
    language: str
    cities: tuple[str, ...]
    brands: tuple[str, ...]
    name_format: str  # {brand}, {industry}


_COUNTRIES = (
    _Country("CN", 14, "zh",
             ("Foshan", "Yiwu", "Ningbo", "Shenzhen", "Guangzhou", "Xiamen", "Dongguan",
              "Jingdezhen", "Wenzhou", "Quanzhou", "Hangzhou", "Chaozhou"),
             ("Ironcraft", "Jinhui", "Hongda", "Xinyuan", "Everbright", "Goldsun", "Meilin",
              "Huaxing", "Tianyi", "Longteng", "Ruifeng", "Kaida", "Yongsheng", "Baixiang"),
             "{city} {brand} {industry} Co., Ltd."),
    _Country("IN", 9, "hi",
             ("Moradabad", "Jaipur", "Tiruppur", "Kanpur", "Agra", "Ludhiana", "Mumbai",
              "New Delhi", "Khurja"),
             ("Shree Ganesh", "Lakshmi", "Vardhman", "Surya", "Kaveri", "Anand", "Rajdhani",
              "Sai Krishna", "Navkar"),
             "{brand} {industry} Exports Pvt. Ltd."),
    _Country("VN", 7, "vi",
             ("Ho Chi Minh City", "Hanoi", "Binh Duong", "Da Nang", "Hai Phong", "Bat Trang"),
             ("Minh Phat", "Hoang Long", "Thanh Cong", "Viet Tien", "An Phu", "Phuc Hung",
              "Sao Mai"),
             "{brand} {industry} Co., Ltd."),
    _Country("BR", 6, "pt",
             ("São Paulo", "Franca", "Bento Gonçalves", "Novo Hamburgo", "Blumenau",
              "Belo Horizonte"),
             ("Serra Gaúcha", "Bela Vista", "Nova Era", "Rio Claro", "Santa Luzia", "Horizonte"),
             "{brand} {industry} Ltda."),
    _Country("TR", 2, "tr", ("Istanbul", "Bursa", "Izmir", "Kütahya"),
             ("Anadolu", "Ege", "Marmara"), "{brand} {industry} A.Ş."),
    _Country("MX", 1, "es", ("Guadalajara", "León", "Puebla"),
             ("Sol de Jalisco", "Talavera Poblana"), "{brand} {industry} S.A. de C.V."),
    _Country("ID", 1, "id", ("Jepara", "Surabaya", "Bandung", "Jakarta"),
             ("Sinar Jaya", "Cahaya Abadi"), "PT {brand} {industry}"),
)  # fmt: skip
_INDUSTRY = {
    "kitchenware": "Housewares", "furniture": "Furniture", "lighting": "Lighting",
    "apparel": "Garments", "bags": "Bags", "footwear": "Footwear",
    "accessories": "Umbrella", "home-decor": "Home Decor",
}  # fmt: skip


def _supplier(country: _Country, number: int, brand: str, category: str,
              rng: random.Random) -> SupplierRecord:  # fmt: skip
    city = rng.choice(country.cities)
    languages = [country.language] if rng.random() < 0.15 else [country.language, "en"]
    return SupplierRecord(
        id=f"sup-{country.code.lower()}-{number:03d}",
        name=country.name_format.format(city=city, brand=brand, industry=_INDUSTRY[category]),
        country=country.code,
        province=PROVINCES[city],
        city=city,
        languages=languages,
        verified=rng.random() < 0.6,
        rating=round(rng.triangular(3.0, 5.0, 4.5), 1),
        review_count=int(rng.lognormvariate(4.0, 1.2)),
        years_in_business=rng.randint(1, 30),
        response_rate=round(rng.uniform(0.55, 1.0), 2),
    )


def make_suppliers(rng: random.Random, categories: list[str]) -> list[tuple[SupplierRecord, str]]:
    """About 40 suppliers, each with its category; categories are dealt round-robin."""
    suppliers: list[tuple[SupplierRecord, str]] = []
    for country in _COUNTRIES:
        brands = rng.sample(country.brands, country.size)
        for number, brand in enumerate(brands, start=1):
            category = categories[len(suppliers) % len(categories)]
            suppliers.append((_supplier(country, number, brand, category, rng), category))
    return suppliers
