//! The DCAT-AP catalog (JSON-LD) describing each dataset and its files.

use serde_json::{json, Value};

use super::*;

fn download_url(options: &Options, name: &str) -> String {
    match options.base_url.as_deref() {
        Some(base) if !base.is_empty() && !base.ends_with('/') => format!("{base}/{name}"),
        Some(base) => format!("{base}{name}"),
        None => name.to_string(),
    }
}

fn temporal(period: Option<&(String, String)>) -> Option<Value> {
    let (first, last) = period?;
    let (fy, fm) = parse_month(first)?;
    let (ly, lm) = parse_month(last)?;
    Some(json!({
        "@type": "dct:PeriodOfTime",
        "dcat:startDate": { "@value": format!("{fy:04}-{fm:02}-01"), "@type": "xsd:date" },
        "dcat:endDate": {
            "@value": format!("{ly:04}-{lm:02}-{:02}", days_in_month(ly, lm)),
            "@type": "xsd:date",
        },
    }))
}

fn distribution(ds: &Dataset, options: &Options, name: &str, format: &str, media: &str) -> Value {
    let url = download_url(options, name);
    json!({
        "@type": "dcat:Distribution",
        "dcat:downloadURL": { "@id": url },
        "dcat:accessURL": { "@id": url },
        "dcat:mediaType": { "@id": format!("https://www.iana.org/assignments/media-types/{media}") },
        "dct:format": {
            "@id": format!("http://publications.europa.eu/resource/authority/file-type/{format}"),
        },
        "dct:license": { "@id": LICENSE },
        "dct:title": lang(&format!("{} ({format})", ds.title_vi), &format!("{} ({format})", ds.title_en)),
    })
}

/// The DCAT-AP catalog (JSON-LD) describing every dataset.
pub fn catalog(datasets: &[Dataset], options: &Options) -> Value {
    let publisher = json!({ "@type": "foaf:Agent", "foaf:name": options.publisher });
    let entries: Vec<Value> = datasets
        .iter()
        .map(|ds| {
            let mut description_vi = format!(
                "{} Các số đếm nhỏ hơn {} được ẩn (để trống) để không ai có thể bị nhận diện.",
                ds.description_vi, ds.min_count
            );
            let mut description_en = format!(
                "{} Counts below {} are suppressed (left empty) so that no one can be singled out.",
                ds.description_en, ds.min_count
            );
            if let (true, Some(crosswalk)) = (ds.has_provinces(), options.crosswalk.as_deref()) {
                description_vi.push_str(&format!(
                    " Tỉnh theo địa giới hành chính từ ngày 1/7/2025, chuyển đổi bằng bảng đối chiếu {crosswalk}."
                ));
                description_en.push_str(&format!(
                    " Provinces as of 1 July 2025, converted with crosswalk {crosswalk}."
                ));
            }
            let keywords: Vec<Value> = COMMON_KEYWORDS
                .iter()
                .chain(METAS.iter().filter(|m| m.id == ds.id).flat_map(|m| m.keywords.iter()))
                .flat_map(|(vi, en)| {
                    [json!({ "@value": vi, "@language": "vi" }), json!({ "@value": en, "@language": "en" })]
                })
                .collect();
            // A fragment of the catalog, which is served: the dataset's own id resolves.
            let id = match options.base_url {
                Some(_) => format!("{}#{}", download_url(options, CATALOG_NAME), ds.id),
                None => format!("#{}", ds.id),
            };
            let mut entry = json!({
                "@id": id,
                "@type": "dcat:Dataset",
                "dct:identifier": ds.id,
                "dct:title": lang(ds.title_vi, ds.title_en),
                "dct:description": lang(&description_vi, &description_en),
                "dct:publisher": publisher,
                "dct:issued": { "@value": options.issued, "@type": "xsd:dateTime" },
                "dct:license": { "@id": LICENSE },
                "dct:accrualPeriodicity": {
                    "@id": "http://publications.europa.eu/resource/authority/frequency/DAILY",
                },
                "dcat:keyword": keywords,
                "dct:spatial": { "@id": "http://sws.geonames.org/1562822/" },
                "dcat:distribution": [
                    distribution(ds, options, &ds.csv_name(), "CSV", "text/csv"),
                    distribution(ds, options, &ds.json_name(), "JSON", "application/json"),
                ],
            });
            if let (Some(obj), Some(t)) = (entry.as_object_mut(), temporal(ds.period.as_ref())) {
                obj.insert("dct:temporal".to_string(), t);
            }
            entry
        })
        .collect();
    let mut root = json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@type": "dcat:Catalog",
        "dct:title": lang(
            "Dữ liệu mở về hồ sơ thủ tục hành chính",
            "Open data on administrative-procedure dossiers",
        ),
        "dct:description": lang(
            "Thống kê tổng hợp, không chứa dữ liệu cá nhân, về việc số hóa hồ sơ thủ tục hành chính.",
            "Aggregate statistics, with no personal data, on the digitisation of \
             administrative-procedure dossiers.",
        ),
        "dct:publisher": publisher,
        "dct:issued": { "@value": options.issued, "@type": "xsd:dateTime" },
        "dct:license": { "@id": LICENSE },
        "dcat:dataset": entries,
    });
    let id = options
        .base_url
        .as_ref()
        .map(|_| download_url(options, CATALOG_NAME));
    if let (Some(obj), Some(id)) = (root.as_object_mut(), id) {
        obj.insert("@id".to_string(), Value::String(id));
    }
    root
}
