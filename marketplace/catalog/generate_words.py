"""Words for generate-data: names, styles, prices and stories that read like the real shop."""

from __future__ import annotations

import random

# category slug, product nouns, styles, price range (Rp), weight range (g)
CATALOGUE = [
    (
        "batik",
        ["Kain Batik Tulis", "Kemeja Batik Cap", "Selendang Batik", "Sarung Batik",
         "Taplak Meja Batik", "Outer Batik", "Masker Kain Batik"],
        ["Motif Parang", "Motif Kawung", "Motif Mega Mendung", "Motif Truntum",
         "Motif Sekar Jagad", "Motif Sidomukti", "Motif Bunga Cigadung", "Pewarna Alami"],
        (45_000, 1_250_000), (100, 600),
    ),
    (
        "tenun",
        ["Kain Tenun Ikat", "Ulos", "Songket", "Selendang Tenun", "Sarung Tenun", "Syal Tenun"],
        ["Sumba", "Toraja", "Flores", "Troso", "Lombok", "Sintang", "Motif Pucca", "Benang Katun"],
        (120_000, 3_500_000), (200, 900),
    ),
    (
        "anyaman",
        ["Tas Anyaman Pandan", "Keranjang Rotan", "Tikar Purun", "Topi Anyaman Bambu",
         "Tempat Tisu Eceng Gondok", "Bakul Nasi Bambu"],
        ["Warna Alami", "Motif Kotak", "Ukuran Sedang", "Ukuran Besar", "Anyaman Rapat",
         "Dengan Tutup"],
        (25_000, 450_000), (150, 1500),
    ),
    (
        "kerajinan-kayu",
        ["Patung Kayu", "Talenan Kayu Jati", "Nampan Ukir", "Mainan Kayu Edukatif",
         "Hiasan Dinding Ukir", "Kotak Perhiasan Kayu"],
        ["Kayu Jati", "Kayu Mahoni", "Ukiran Jepara", "Finishing Natural", "Motif Bunga",
         "Kayu Sonokeling"],
        (35_000, 2_500_000), (300, 5000),
    ),
    (
        "keramik",
        ["Vas Gerabah", "Cangkir Keramik", "Piring Tanah Liat", "Pot Tanah Liat", "Guci Hias",
         "Celengan Gerabah"],
        ["Kasongan", "Plered", "Glasir Biru", "Terakota", "Motif Lukis Tangan", "Set Isi 4"],
        (20_000, 850_000), (300, 4000),
    ),
    (
        "aksesoris",
        ["Gelang Manik", "Kalung Kerang", "Anting Perak", "Bros Batik", "Gantungan Kunci Kayu",
         "Ikat Rambut Tenun"],
        ["Warna Cerah", "Motif Dayak", "Buatan Tangan", "Perak 925", "Set Isi 3", "Motif Etnik"],
        (10_000, 650_000), (20, 200),
    ),
    (
        "tas-dompet",
        ["Dompet Kulit", "Tas Selempang Tenun", "Tas Laptop Batik", "Pouch Anyaman",
         "Tas Belanja Kain"],
        ["Kulit Sapi Asli", "Kombinasi Tenun", "Ukuran Kecil", "Resleting Kuat", "Motif Etnik"],
        (35_000, 900_000), (100, 900),
    ),
    (
        "dekorasi-rumah",
        ["Lampu Hias Bambu", "Bantal Sofa Tenun", "Tempat Lilin Batok Kelapa",
         "Cermin Bingkai Rotan", "Hiasan Gantung Makrame"],
        ["Gaya Etnik", "Warna Alami", "Ukuran Sedang", "Buatan Tangan", "Motif Nusantara"],
        (30_000, 1_100_000), (200, 3000),
    ),
    (
        "makanan-olahan",
        ["Keripik Singkong", "Dodol Nanas", "Rendang Kemasan", "Sambal Roa", "Kerupuk Ikan",
         "Abon Sapi", "Kue Bagea"],
        ["Pedas", "Original", "Balado", "Kemasan 250 g", "Kemasan 500 g", "Tanpa Pengawet"],
        (15_000, 150_000), (100, 1000),
    ),
    (
        "minuman",
        ["Kopi Arabika Gayo", "Kopi Robusta Lampung", "Teh Rosela", "Wedang Uwuh",
         "Kopi Toraja", "Jahe Merah Instan"],
        ["Biji Sangrai 250 g", "Bubuk 200 g", "Kemasan Ekonomis", "Premium", "Isi 10 Sachet"],
        (20_000, 250_000), (100, 600),
    ),
]  # fmt: skip

PROGRAMMES = [
    "Pelatihan Membatik", "Pelatihan Tenun Tradisional", "Pelatihan Anyaman",
    "Pelatihan Ukir Kayu", "Pelatihan Keramik", "Pelatihan Aksesoris",
    "Pelatihan Menjahit", "Pelatihan Kerajinan Rumah", "Pelatihan Pengolahan Pangan",
    "Pelatihan Barista",
]  # fmt: skip

FIRST_NAMES = [
    "Agus", "Budi", "Dewi", "Eka", "Fitri", "Gita", "Hadi", "Indah", "Joko", "Kartika", "Lina",
    "Made", "Nur", "Putu", "Rina", "Sari", "Taufik", "Umar", "Wahyu", "Yanti", "Rosmawati",
    "Benediktus", "Ketut", "Siti", "Yohanes", "Maria", "Andi", "Rahmat", "Wayan", "Fransiska",
]  # fmt: skip
LAST_NAMES = [
    "Saputra", "Wulandari", "Siregar", "Sinaga", "Hidayat", "Nainggolan", "Pratama", "Lestari",
    "Setiawan", "Manurung", "Kusuma", "Rahayu", "Simanjuntak", "Wijaya", "Tanjung", "Harahap",
    "Tampubolon", "Nugroho", "Maharani", "Daeng",
]  # fmt: skip
SHOP_PREFIXES = ["Kriya", "Sanggar", "Rumah", "Galeri", "Karya", "Griya", "Kelompok", "Pondok"]
SHOP_WORDS = [
    "Harapan", "Bangkit", "Mandiri", "Sejahtera", "Lestari", "Berkah", "Cahaya", "Sinar", "Maju",
    "Bersatu", "Pelangi", "Bersih", "Nusantara", "Asri", "Makmur", "Baru",
]  # fmt: skip

OPENINGS = [
    "{title} ini dibuat dengan tangan oleh perajin peserta program pemberdayaan masyarakat BNN.",
    "Setiap {title} dikerjakan satu per satu, sehingga tidak ada dua yang persis sama.",
    "{title} buatan kelompok kami, dikerjakan dengan bahan pilihan dari daerah sendiri.",
]
MIDDLES = [
    "Bahan dipilih dengan teliti dan dikerjakan tanpa terburu-buru.",
    "Cocok untuk dipakai sendiri maupun sebagai hadiah bagi orang tersayang.",
    "Warna dan motif dapat sedikit berbeda dari foto karena dibuat secara manual.",
    "Kami mengemas pesanan dengan rapi agar aman selama pengiriman.",
    "Perawatan mudah: simpan di tempat kering dan hindari sinar matahari langsung.",
]
CLOSINGS = [
    "Dengan membeli produk ini, Anda membantu perajin membangun penghidupan yang bersih.",
    "Terima kasih telah mendukung karya warga di kawasan rawan narkoba.",
    "Hasil penjualan menjadi penghasilan langsung bagi perajin dan keluarganya.",
]
STORIES = [
    "Kami belajar {craft} di pelatihan BNN dan kini bekerja bersama tetangga di desa.",
    "Setelah pelatihan {craft}, kami membuka usaha kecil di rumah. Setiap pesanan sangat berarti.",
    "Kelompok kami terdiri dari warga yang ingin bangkit. Keterampilan {craft} menjadi jalan kami.",
]


def description_for(rng: random.Random, craft: int, title: str) -> str:
    """Two short paragraphs describing a product."""
    first = rng.choice(OPENINGS).format(title=title)
    middle = " ".join(rng.sample(MIDDLES, 2))
    return f"{first} {middle}\n\n{rng.choice(CLOSINGS)}"


def story_for(rng: random.Random, craft: int) -> str:
    """An artisan's published story, naming the craft they trained in."""
    programme = PROGRAMMES[craft % len(PROGRAMMES)].replace("Pelatihan ", "").lower()
    return rng.choice(STORIES).format(craft=programme)
