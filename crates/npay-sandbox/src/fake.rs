//! Deterministic Korean test data (names, 서울/부산 addresses, phone numbers, products, reviews).

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::model::Address;

const SURNAMES: &[&str] = &["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권"];
const GIVEN: &[&str] = &[
    "민준", "서연", "도윤", "지우", "하준", "서윤", "예준", "하은", "시우", "지민", "주원", "수아", "지호", "지유",
    "현우", "채원", "준서", "다은", "건우", "은서", "우진", "가은", "선우", "예린",
];
const ROMAN_SURNAMES: &[&str] =
    &["kim", "lee", "park", "choi", "jung", "kang", "cho", "yoon", "jang", "lim", "han", "oh", "seo", "shin", "kwon"];

/// (city, district, road, zip prefix)
const STREETS: &[(&str, &str, &str, &str)] = &[
    ("서울특별시", "강남구", "테헤란로", "06"),
    ("서울특별시", "마포구", "월드컵북로", "03"),
    ("서울특별시", "송파구", "올림픽로", "05"),
    ("서울특별시", "종로구", "세종대로", "03"),
    ("서울특별시", "영등포구", "여의대로", "07"),
    ("서울특별시", "성동구", "왕십리로", "04"),
    ("부산광역시", "해운대구", "해운대해변로", "48"),
    ("부산광역시", "부산진구", "중앙대로", "47"),
    ("부산광역시", "수영구", "광안해변로", "48"),
    ("부산광역시", "동래구", "충렬대로", "47"),
];
const BUILDINGS: &[&str] = &["래미안아파트", "푸르지오", "자이아파트", "힐스테이트", "e편한세상", "현대아파트"];
const MEMOS: &[&str] =
    &["문 앞에 놓아주세요", "부재 시 경비실에 맡겨주세요", "배송 전 연락 바랍니다", "택배함에 넣어주세요"];

/// (name, unit price KRW, options)
pub const PRODUCTS: &[(&str, i64, &[&str])] = &[
    ("경북 청송 꿀사과 5kg (16~20과)", 39_900, &["중과", "대과"]),
    ("제주 감귤 3kg 로얄과", 19_800, &[]),
    ("무선 블루투스 이어폰 NX-200", 59_000, &["색상: 블랙", "색상: 화이트", "색상: 네이비"]),
    ("고속 충전 USB-C 케이블 2m", 8_900, &[]),
    (
        "남성 기본 라운드 반팔 티셔츠",
        12_900,
        &["색상: 블랙 / 사이즈: M", "색상: 화이트 / 사이즈: L", "색상: 그레이 / 사이즈: XL"],
    ),
    ("여성 경량 패딩 조끼", 45_000, &["사이즈: 55", "사이즈: 66", "사이즈: 77"]),
    ("스테인리스 텀블러 500ml", 15_900, &["색상: 실버", "색상: 민트"]),
    ("유기농 현미 10kg", 42_000, &[]),
    ("국산 참기름 350ml", 16_500, &[]),
    ("어린이 원목 블록 세트 100pcs", 32_000, &[]),
    ("LED 무드등 수면등", 21_900, &["색상: 웜화이트", "색상: 쿨화이트"]),
    ("등산 양말 5켤레 세트", 9_900, &["사이즈: 250", "사이즈: 270"]),
];

const REVIEW_TITLES: &[&str] =
    &["만족합니다", "배송이 빨라요", "재구매 의사 있어요", "가격 대비 괜찮아요", "생각보다 좋네요", "보통이에요"];
const REVIEW_CONTENTS: &[&str] = &[
    "포장도 꼼꼼하고 상품 상태가 아주 좋습니다.",
    "주문하고 이틀 만에 받았어요. 품질도 만족합니다.",
    "사진과 같아요. 가족들도 좋아하네요.",
    "가격 대비 품질이 괜찮습니다. 다음에도 구매할게요.",
    "조금 아쉬운 부분이 있지만 전반적으로 만족해요.",
];

pub fn pick<'a, T>(rng: &mut ChaCha8Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.random_range(0..xs.len())]
}

/// A buyer: Korean name, login id (masked as the API shows it), phone number.
pub struct Person {
    pub name: String,
    pub login_id: String,
    pub tel: String,
}

pub fn person(rng: &mut ChaCha8Rng) -> Person {
    let s = rng.random_range(0..SURNAMES.len());
    let name = format!("{}{}", SURNAMES[s], pick(rng, GIVEN));
    let login_id = format!("{}{}****", ROMAN_SURNAMES[s], rng.random_range(10..99));
    Person { name, login_id, tel: tel(rng) }
}

pub fn tel(rng: &mut ChaCha8Rng) -> String {
    format!("010-{:04}-{:04}", rng.random_range(2000..10_000), rng.random_range(0..10_000))
}

pub fn address(rng: &mut ChaCha8Rng, receiver: &Person) -> Address {
    let (city, district, road, zip) = *pick(rng, STREETS);
    let apartment = rng.random_bool(0.6);
    let detailed = if apartment {
        format!(
            "{} {}동 {}호",
            pick(rng, BUILDINGS),
            rng.random_range(101..120),
            rng.random_range(1..25) * 100 + rng.random_range(1..5)
        )
    } else {
        format!("{}층", rng.random_range(2..15))
    };
    let (pickup, entry) = match rng.random_range(0..3) {
        0 => (Some("FRONT_OF_DOOR"), Some("LOBBY_PW")),
        1 => (Some("MANAGEMENT_OFFICE"), Some("FREE")),
        _ => (None, None),
    };
    Address {
        name: receiver.name.clone(),
        base_address: format!("{} {} {} {}", city, district, road, rng.random_range(1..400)),
        detailed_address: detailed,
        zip_code: format!("{}{:03}", zip, rng.random_range(0..1000)),
        tel1: receiver.tel.clone(),
        tel2: None,
        pickup_location_type: pickup,
        pickup_location_content: None,
        entry_method: entry,
        entry_method_content: if entry == Some("LOBBY_PW") {
            Some(format!("#{:04}", rng.random_range(0..10_000)))
        } else {
            None
        },
    }
}

pub fn memo(rng: &mut ChaCha8Rng) -> Option<&'static str> {
    if rng.random_bool(0.5) { Some(*pick(rng, MEMOS)) } else { None }
}

pub fn review_text(rng: &mut ChaCha8Rng) -> (&'static str, &'static str) {
    (*pick(rng, REVIEW_TITLES), *pick(rng, REVIEW_CONTENTS))
}

pub const PAYMENT_MEANS: &[&str] =
    &["신용카드", "신용카드 간편결제", "계좌 간편결제", "포인트/머니결제", "휴대폰 간편결제"];
