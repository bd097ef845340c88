"""The web pages' messages for the channels (the citizen's rating, satisfaction figures)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "rate.title": ("Đánh giá sự phục vụ", "Rate our service"),
    "rate.hint": (
        "Hồ sơ của ông/bà đã có kết quả. Xin ông/bà cho biết mức độ hài lòng (mỗi hồ sơ một lần).",
        "Your case has been resolved. Please tell us how satisfied you are (once per case).",
    ),
    "rate.score": ("Mức độ hài lòng chung", "Overall satisfaction"),
    "rate.score.1": ("1 — Rất không hài lòng", "1 — Very dissatisfied"),
    "rate.score.2": ("2 — Không hài lòng", "2 — Dissatisfied"),
    "rate.score.3": ("3 — Bình thường", "3 — Neutral"),
    "rate.score.4": ("4 — Hài lòng", "4 — Satisfied"),
    "rate.score.5": ("5 — Rất hài lòng", "5 — Very satisfied"),
    "rate.aspects": ("Từng mặt (không bắt buộc)", "Each aspect (optional)"),
    "rate.aspect.none": ("— không đánh giá —", "— no rating —"),
    "rate.aspect.access": ("Tiếp cận dịch vụ", "Access to the service"),
    "rate.aspect.procedure": ("Thủ tục hành chính", "The procedure"),
    "rate.aspect.officials": ("Công chức phục vụ", "The officials"),
    "rate.aspect.result": ("Kết quả giải quyết", "The result"),
    "rate.aspect.timeliness": ("Thời gian giải quyết", "Timeliness"),
    "rate.comment": ("Góp ý (không bắt buộc)", "Comment (optional)"),
    "rate.submit": ("Gửi đánh giá", "Send the rating"),
    "rate.thanks": ("Cảm ơn ông/bà đã đánh giá.", "Thank you for your rating."),
    "rate.invalid": (
        "Vui lòng chọn mức độ hài lòng từ 1 đến 5.",
        "Please choose a score from 1 to 5.",
    ),
    "err.not_resolved": (
        "Hồ sơ chưa có kết quả; ông/bà có thể đánh giá sau khi hồ sơ được giải quyết.",
        "The case is not resolved yet; you can rate it once it is.",
    ),
    "err.already_rated": ("Hồ sơ này đã được đánh giá.", "This case was already rated."),
    "sat.title": ("Mức độ hài lòng của người dân", "Citizens' satisfaction"),
    "sat.responses": ("Số lượt đánh giá", "Ratings"),
    "sat.average": ("Điểm trung bình (1–5)", "Average score (1–5)"),
    "sat.share": ("Tỷ lệ hài lòng (4–5)", "Share satisfied (4–5)"),
}
