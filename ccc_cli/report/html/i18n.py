"""The page's words and number and date formats, in English and Vietnamese.

Every label and sentence of the page is a message here, keyed by a short name, with
``{placeholders}`` the page builder fills with figures already formatted (and tagged,
see :mod:`ccc_cli.report.html.page`). Vietnamese follows the vendor's own help centre
("Số cuộc gọi đồng thời", "cuộc gọi vào/ra/nội bộ", "giới hạn", "gói", "tổng đài viên")
and writes numbers ``1.234,5`` and dates ``20/11/2026``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

LANGUAGES: Final = ("en", "vi")

WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# key: (English, Vietnamese)
MESSAGES: Final[dict[str, tuple[str, str]]] = {
    # --- page ---------------------------------------------------------------------
    "title": ("Concurrent calls report", "Báo cáo số cuộc gọi đồng thời"),
    "made_by": (
        "Made by ccc {version} on {date}. Times are in {tz}.",
        "Tạo bởi ccc {version} ngày {date}. Giờ theo múi giờ {tz}.",
    ),
    "nav_summary": ("Summary", "Tóm tắt"),
    "nav_charts": ("Charts", "Biểu đồ"),
    "nav_support": ("Support", "Hỗ trợ"),
    "nav_method": ("Method and accounting", "Phương pháp và đối soát"),
    "no_script": (
        "Hover values and zoom need JavaScript; every chart and figure is shown without it.",
        "Xem giá trị khi rê chuột và phóng to cần JavaScript; mọi biểu đồ và số liệu vẫn "
        "hiển thị khi không có nó.",
    ),
    # --- key figures --------------------------------------------------------------
    "card_peak": ("Peak concurrent calls", "Số cuộc gọi đồng thời cao nhất"),
    "card_calls": ("Calls", "Số cuộc gọi"),
    "card_plan": ("Recommended plan", "Gói đề xuất"),
    "card_current": ("Rejected on the plan of {limit}", "Bị từ chối với gói {limit}"),
    "card_current_limits": ("Rejected by the limits", "Bị từ chối theo giới hạn"),
    "card_days": ("Days", "Số ngày"),
    # --- summary ------------------------------------------------------------------
    "summary": ("Summary", "Tóm tắt"),
    "s_period": (
        "The data covers {days} days, from {first} to {last}.",
        "Dữ liệu gồm {days} ngày, từ {first} đến {last}.",
    ),
    "s_period_none": ("The data holds no call.", "Dữ liệu không có cuộc gọi nào."),
    "s_calls": (
        "{calls} calls were counted from {read} rows read; the other rows are accounted for "
        "under Method and accounting.",
        "Đã đếm {calls} cuộc gọi từ {read} dòng dữ liệu; các dòng còn lại được đối soát ở mục "
        "Phương pháp và đối soát.",
    ),
    "s_peak": (
        "At most {peak} calls were active at once, first on {at}: {mix}.",
        "Số cuộc gọi đồng thời cao nhất là {peak}, lần đầu vào {at}: {mix}.",
    ),
    "s_busiest_day": (
        "The busiest day was {day}; on a typical day (the median) the peak was {p50}, "
        "on 9 days out of 10 at most {p90}.",
        "Ngày bận nhất là {day}; vào một ngày bình thường (trung vị) đỉnh là {p50}, "
        "9 trên 10 ngày không quá {p90}.",
    ),
    "s_busy_hour": (
        "The busiest hour of the week is {weekday} {hour}, with {erlangs} calls active on average.",
        "Giờ bận nhất trong tuần là {hour} {weekday}, trung bình có {erlangs} cuộc gọi "
        "đang diễn ra.",
    ),
    "s_cps": (
        "Up to {n1} calls started within one second, and {n10} within ten seconds.",
        "Có tới {n1} cuộc gọi bắt đầu trong cùng một giây, và {n10} trong mười giây.",
    ),
    "s_recommend": (
        "Recommended plan: {plan} concurrent calls. A limit of {limit} would have rejected "
        "{rate} of the calls (the target is at most {target}); {headroom} headroom is added on "
        "top.",
        "Gói đề xuất: {plan} cuộc gọi đồng thời. Giới hạn {limit} sẽ từ chối {rate} số cuộc "
        "gọi (mục tiêu không quá {target}); cộng thêm {headroom} dự phòng.",
    ),
    "s_recommend_same": (
        "Recommended plan: {plan} concurrent calls. It would have rejected {rate} of the "
        "calls (the target is at most {target}).",
        "Gói đề xuất: {plan} cuộc gọi đồng thời. Gói này sẽ từ chối {rate} số cuộc gọi (mục "
        "tiêu không quá {target}).",
    ),
    "s_plan_rejects": (
        "With the recommended plan of {plan}, {rejected} of the calls ({rate}) would have "
        "been rejected; a plan of {none} would have rejected none.",
        "Với gói đề xuất {plan}, {rejected} cuộc gọi ({rate}) sẽ bị từ chối; gói {none} "
        "sẽ không từ chối cuộc gọi nào.",
    ),
    "s_plan_rejects_none": (
        "On the recommended plan of {plan}, no call of the log would have been rejected.",
        "Với gói đề xuất {plan}, không cuộc gọi nào trong dữ liệu bị từ chối.",
    ),
    "s_no_recommendation": (
        "No limit up to the peak of {peak} keeps the rejected calls within the target of "
        "{target}; a plan of {none} would have rejected none.",
        "Không có giới hạn nào đến mức đỉnh {peak} giữ tỉ lệ bị từ chối trong mục tiêu "
        "{target}; gói {none} sẽ không từ chối cuộc gọi nào.",
    ),
    "s_current_bad": (
        "The current plan of {limit} was too small: it would have rejected {rejected} of "
        "{calls} calls ({rate}), on {days} of {total_days} days.",
        "Gói hiện tại {limit} là chưa đủ: gói này sẽ từ chối {rejected} trên {calls} cuộc "
        "gọi ({rate}), vào {days} trên {total_days} ngày.",
    ),
    "s_current_ok": (
        "The current plan of {limit} was enough: no call would have been rejected; at the "
        "peak {headroom} calls were still free.",
        "Gói hiện tại {limit} là đủ: không cuộc gọi nào bị từ chối; lúc cao điểm vẫn còn "
        "trống {headroom} cuộc gọi.",
    ),
    "s_current_full": (
        "The current plan of {limit} was just enough: no call would have been rejected, "
        "but the peak used all of it.",
        "Gói hiện tại {limit} vừa đủ: không cuộc gọi nào bị từ chối, nhưng lúc cao điểm "
        "đã dùng hết giới hạn.",
    ),
    "s_limits_bad": (
        "The per-account limits would have rejected {rejected} of {calls} calls ({rate}).",
        "Giới hạn theo từng tài khoản sẽ từ chối {rejected} trên {calls} cuộc gọi ({rate}).",
    ),
    "s_limits_ok": (
        "The per-account limits would have rejected no call.",
        "Giới hạn theo từng tài khoản không từ chối cuộc gọi nào.",
    ),
    "s_capacity": (
        "The log was at the limit for {capacity} in {intervals} intervals, and over it for {over}.",
        "Dữ liệu chạm giới hạn trong {capacity} ({intervals} khoảng), và vượt giới hạn "
        "trong {over}.",
    ),
    "s_observed": (
        "The log holds {count} REACH_PLAN_LIMIT rows: {justified} justified (the level was at "
        "the limit), {unexpected} unexpected (below it: worth escalating).",
        "Dữ liệu có {count} dòng REACH_PLAN_LIMIT: {justified} hợp lý (số cuộc gọi đã chạm "
        "giới hạn), {unexpected} bất thường (chưa chạm giới hạn: nên chuyển cấp xử lý).",
    ),
    "s_no_limit": (
        "No current plan was given: pass --limit N (the customer's plan) to see what it did "
        "to them, with a support section.",
        "Chưa có gói hiện tại: thêm --limit N (gói của khách hàng) để xem ảnh hưởng của gói "
        "và mục hỗ trợ.",
    ),
    # --- charts -------------------------------------------------------------------
    "charts": ("Charts", "Biểu đồ"),
    "ch_time": ("Concurrent calls over time", "Số cuộc gọi đồng thời theo thời gian"),
    "ch_time_note": (
        "Per {every}: the highest number of calls active at once (black line) and the "
        "average, stacked by call type (areas); the plan limit as a dashed red line.",
        "Theo từng khoảng {every}: số cuộc gọi đồng thời cao nhất (đường đen) và số trung "
        "bình, xếp chồng theo loại cuộc gọi (vùng màu); giới hạn gói là đường đỏ nét đứt.",
    ),
    "zoom_hint": (
        "Drag across the chart to zoom in on a period, double-click to zoom out.",
        "Kéo chuột trên biểu đồ để phóng to một khoảng thời gian, nhấp đúp để thu nhỏ.",
    ),
    "ch_daily": ("Peak of each day", "Đỉnh của từng ngày"),
    "ch_daily_note": (
        "The highest number of concurrent calls on each local day; red bars went over the "
        "plan limit.",
        "Số cuộc gọi đồng thời cao nhất của từng ngày; cột đỏ là ngày vượt giới hạn gói.",
    ),
    "ch_heat": ("Average load by weekday and hour", "Tải trung bình theo thứ và giờ"),
    "ch_heat_note": (
        "Calls active on average in each hour of the week (Erlangs), averaged over the "
        "weeks; the busiest hour is outlined.",
        "Số cuộc gọi đang diễn ra trung bình trong từng giờ của tuần (Erlang), lấy trung "
        "bình qua các tuần; giờ bận nhất được viền đậm.",
    ),
    "ch_curve": ("Which limit would have served them", "Giới hạn nào là đủ"),
    "ch_curve_note": (
        "The share of calls each limit would have rejected, replaying the log call by call; "
        "the dashed line is the target of {target}.",
        "Tỉ lệ cuộc gọi bị từ chối với từng giới hạn, khi phát lại dữ liệu từng cuộc gọi "
        "một; đường nét đứt là mục tiêu {target}.",
    ),
    "ch_cps": ("Call starts", "Số cuộc gọi bắt đầu"),
    "ch_cps_note": (
        "Calls started per {every}; the busiest one-second and ten-second windows are "
        "marked (platforms also cap the calls started per second).",
        "Số cuộc gọi bắt đầu theo từng khoảng {every}; khoảng một giây và mười giây bận "
        "nhất được đánh dấu (nền tảng cũng giới hạn số cuộc gọi bắt đầu mỗi giây).",
    ),
    "cps_table": ("Most call starts in any window", "Số cuộc gọi bắt đầu nhiều nhất"),
    "in_1s": ("in 1 s", "trong 1 giây"),
    "in_10s": ("in 10 s", "trong 10 giây"),
    "lbl_max": ("highest", "cao nhất"),
    "lbl_mean": ("average", "trung bình"),
    "lbl_limit": ("limit {limit}", "giới hạn {limit}"),
    "lbl_target": ("target {target}", "mục tiêu {target}"),
    "lbl_recommended": ("recommended {limit}", "đề xuất {limit}"),
    "lbl_with_headroom": ("plan {limit}", "gói {limit}"),
    "lbl_current": ("current {limit}", "hiện tại {limit}"),
    "lbl_erlang": ("Erlang B {limit}", "Erlang B {limit}"),
    "lbl_starts": ("starts", "bắt đầu"),
    "lbl_calls_at_once": ("calls at once", "cuộc gọi cùng lúc"),
    "lbl_rejected_share": ("rejected", "bị từ chối"),
    "lbl_limit_axis": ("limit (concurrent calls)", "giới hạn (cuộc gọi đồng thời)"),
    "lbl_erlangs": ("Erlangs", "Erlang"),
    "lbl_dominant": ("mostly {type}", "chủ yếu {type}"),
    "lbl_weeks": ("over {weeks} week(s)", "qua {weeks} tuần"),
    "lbl_burst_1s": ("{n} starts in 1 s", "{n} cuộc trong 1 giây"),
    "lbl_burst_10s": ("{n} starts in 10 s", "{n} cuộc trong 10 giây"),
    "lbl_at_capacity": ("at the limit", "chạm giới hạn"),
    "lbl_over_limit": ("over the limit", "vượt giới hạn"),
    "lbl_rejected_call": ("rejected by the replay", "bị từ chối khi phát lại"),
    "lbl_observed_row": ("REACH_PLAN_LIMIT in the log", "REACH_PLAN_LIMIT trong dữ liệu"),
    "lbl_total": ("all calls", "tất cả"),
    "zoom_reset": ("Zoom out", "Thu nhỏ"),
    # --- support ------------------------------------------------------------------
    "support": ("Support: the plan limit", "Hỗ trợ: giới hạn gói"),
    "support_for": (
        "Against a limit of {limit} concurrent calls.",
        "So với giới hạn {limit} cuộc gọi đồng thời.",
    ),
    "support_for_limits": (
        "Against per-account limits ({accounts} accounts listed, default {default}).",
        "So với giới hạn theo tài khoản ({accounts} tài khoản, mặc định {default}).",
    ),
    "tl_title": ("When the limit was reached", "Khi nào chạm giới hạn"),
    "tl_note": (
        "Orange: at the limit (a new call would have been rejected); red: over the limit "
        "(the log holds more calls than the plan allows); triangles: calls the limit would "
        "have rejected; dots: REACH_PLAN_LIMIT rows in the log.",
        "Cam: chạm giới hạn (cuộc gọi mới sẽ bị từ chối); đỏ: vượt giới hạn (dữ liệu có "
        "nhiều cuộc gọi hơn gói cho phép); tam giác: cuộc gọi sẽ bị từ chối; chấm tròn: "
        "dòng REACH_PLAN_LIMIT trong dữ liệu.",
    ),
    "tl_more": ("… and {n} more", "… và {n} mục nữa"),
    "intervals_title": ("Intervals at the limit", "Các khoảng chạm giới hạn"),
    "over_title": ("Intervals over the limit", "Các khoảng vượt giới hạn"),
    "rejected_title": ("Calls the limit would have rejected", "Cuộc gọi sẽ bị từ chối"),
    "rejected_none": (
        "The limit would have rejected no call.",
        "Giới hạn này không từ chối cuộc gọi nào.",
    ),
    "observed_title": (
        "REACH_PLAN_LIMIT rows in the log",
        "Các dòng REACH_PLAN_LIMIT trong dữ liệu",
    ),
    "observed_none": (
        "The log holds no REACH_PLAN_LIMIT row.",
        "Dữ liệu không có dòng REACH_PLAN_LIMIT nào.",
    ),
    "none_intervals": ("None.", "Không có."),
    "drill_title": ("At the worst instant", "Tại thời điểm căng nhất"),
    "drill_sentence": (
        "On {at}{account}: {level} calls active ({mix}).",
        "Vào {at}{account}: {level} cuộc gọi đang diễn ra ({mix}).",
    ),
    "drill_account": (", account {account}", ", tài khoản {account}"),
    "drill_reject": (
        "On a plan of {limit} a new call would have been rejected (REACH_PLAN_LIMIT).",
        "Với gói {limit}, cuộc gọi mới sẽ bị từ chối (REACH_PLAN_LIMIT).",
    ),
    "drill_over": (
        "The log holds {over} over the plan here.",
        "Tại đây dữ liệu vượt gói {over} cuộc gọi.",
    ),
    "drill_room": (
        "On a plan of {limit} there was room for {headroom} more calls.",
        "Với gói {limit} vẫn còn chỗ cho {headroom} cuộc gọi nữa.",
    ),
    "drill_calls": ("Calls active then", "Các cuộc gọi đang diễn ra"),
    "drill_around": (
        "Minute by minute, {window} either side",
        "Từng phút, {window} trước và sau",
    ),
    "drill_none": ("No call was active.", "Không có cuộc gọi nào."),
    "more_rows": (
        "… and {n} more (all of them: {command}).",
        "… và {n} dòng nữa (đầy đủ: {command}).",
    ),
    # table headers
    "h_from": ("from", "từ"),
    "h_to": ("to", "đến"),
    "h_length": ("length", "thời lượng"),
    "h_peak": ("peak", "đỉnh"),
    "h_starts_inside": ("calls started inside", "cuộc gọi bắt đầu trong khoảng"),
    "h_call_id": ("call id", "mã cuộc gọi"),
    "h_start": ("start", "bắt đầu"),
    "h_end": ("end", "kết thúc"),
    "h_type": ("type", "loại"),
    "h_account": ("account", "tài khoản"),
    "h_level_arrival": ("calls active on arrival", "số cuộc gọi lúc đến"),
    "h_level": ("calls active", "số cuộc gọi đang diễn ra"),
    "h_limit": ("limit", "giới hạn"),
    "h_verdict": ("verdict", "đánh giá"),
    "h_when": ("when", "lúc"),
    "h_mix": ("calls at the peak", "cuộc gọi lúc cao nhất"),
    "h_legs": ("legs", "chặng"),
    "h_state": ("state", "trạng thái"),
    "h_minute": ("minute", "phút"),
    "h_max": ("highest", "cao nhất"),
    "h_mean": ("average", "trung bình"),
    "h_starts": ("starts", "bắt đầu"),
    "h_calls": ("calls", "cuộc gọi"),
    "h_rejected": ("rejected", "bị từ chối"),
    "h_share": ("share", "tỉ lệ"),
    "h_at_capacity": ("time at the limit", "thời gian chạm giới hạn"),
    "h_days_hit": ("days with rejections", "số ngày có từ chối"),
    "h_path": ("file", "tệp"),
    "h_format": ("format", "định dạng"),
    "h_preset": ("read as", "đọc theo"),
    "h_rows": ("rows", "số dòng"),
    "h_what": ("rows", "dòng"),
    "h_count": ("count", "số lượng"),
    "h_window": ("window", "khoảng"),
    "verdict_justified": ("justified", "hợp lý"),
    "verdict_unexpected": ("unexpected", "bất thường"),
    "verdict_no_limit": ("no limit", "không có giới hạn"),
    "verdict_no_time": ("no time", "không có thời gian"),
    "state_ringing": ("ringing", "đang đổ chuông"),
    "state_talking": ("talking", "đang đàm thoại"),
    # --- method -------------------------------------------------------------------
    "method": ("Method and accounting", "Phương pháp và đối soát"),
    "m_counted": ("What is counted", "Cách đếm"),
    "m_def_1": (
        "The number of concurrent calls at an instant is the number of calls taking place on "
        "the customer's system then, in whatever state: inbound calls in the IVR, in the "
        "queue, in voicemail, ringing or talking to an agent; outbound calls ringing or "
        "talking; internal calls between agents; app-to-app and OTP calls. A call that cannot "
        "be classified still counts (other).",
        "Số cuộc gọi đồng thời tại một thời điểm là số cuộc gọi đang diễn ra trên hệ thống của "
        "khách hàng lúc đó, ở bất kỳ trạng thái nào: cuộc gọi vào đang trong cây IVR, trong "
        "hàng đợi, để lại lời nhắn, đang đổ chuông hoặc đang gặp tổng đài viên; cuộc gọi ra "
        "đang chờ bắt máy hoặc đang trao đổi; cuộc gọi nội bộ giữa các tổng đài viên; cuộc "
        "gọi app to app và cuộc gọi OTP. Cuộc gọi không phân loại được vẫn được đếm (khác).",
    ),
    "m_def_2": (
        "A call counts from the moment it exists (ringing included) until it ends. A call "
        "ending at an instant and one starting then are not concurrent.",
        "Một cuộc gọi được tính từ lúc được tạo (kể cả thời gian đổ chuông) đến khi kết "
        "thúc. Cuộc gọi kết thúc tại một thời điểm và cuộc gọi bắt đầu đúng lúc đó không "
        "được tính là đồng thời.",
    ),
    "m_def_3": (
        "Legs of one call (a hotline call forwarded to an agent's phone) count once.",
        "Các chặng của cùng một cuộc gọi (cuộc gọi vào hotline được chuyển tới số điện "
        "thoại của tổng đài viên) chỉ được tính là một cuộc gọi.",
    ),
    "m_def_4": (
        "A call the platform rejected with REACH_PLAN_LIMIT never occupied the plan; when "
        "the count is at the limit, any further call is rejected. The recommendation replays "
        "the log against each limit, call by call, as the platform admits them.",
        "Cuộc gọi bị nền tảng từ chối với mã REACH_PLAN_LIMIT không chiếm chỗ trong gói; khi "
        "số cuộc gọi đã chạm giới hạn, mọi cuộc gọi tiếp theo đều bị từ chối. Đề xuất gói "
        "được tính bằng cách phát lại dữ liệu với từng giới hạn, từng cuộc gọi một, như "
        "nền tảng tiếp nhận chúng.",
    ),
    "m_def_5": (
        "Peaks are exact (the highest count at any instant, not a sample); days and hours "
        "are local to {tz}.",
        "Đỉnh là giá trị chính xác (số cao nhất tại mọi thời điểm, không lấy mẫu); ngày và "
        "giờ theo múi giờ {tz}.",
    ),
    "m_rows": ("Rows read", "Đối soát dòng dữ liệu"),
    "m_rows_note": (
        "Every row read lands in exactly one line of this table.",
        "Mỗi dòng đọc được nằm ở đúng một dòng của bảng này.",
    ),
    "m_files": ("Files read", "Tệp đã đọc"),
    "m_notes": ("Notes", "Ghi chú"),
    "m_notes_none": ("No note.", "Không có ghi chú."),
    "m_same": ("The same figures as JSON", "Các số liệu này dưới dạng JSON"),
    "m_same_note": (
        "Every figure on this page is taken from the JSON these commands print, where "
        "INPUTS are the paths and input options given to ccc report:",
        "Mọi số liệu trên trang này lấy từ JSON mà các lệnh sau in ra, trong đó INPUTS là "
        "các đường dẫn và tùy chọn đầu vào đã dùng với ccc report:",
    ),
    "acc_read": ("rows read", "dòng đã đọc"),
    "acc_used": ("calls counted", "cuộc gọi được đếm"),
    "acc_duplicates": (
        "duplicates (same call, same times)",
        "trùng lặp (cùng cuộc gọi, cùng thời gian)",
    ),
    "acc_merged_legs": ("further legs of a call already counted", "chặng thêm của cuộc gọi đã đếm"),
    "acc_plan_limit_rejected": (
        "REACH_PLAN_LIMIT (rejected by the platform)",
        "REACH_PLAN_LIMIT (bị nền tảng từ chối)",
    ),
    "acc_invalid": ("invalid", "không hợp lệ"),
    "acc_not_selected": (
        "outside the selection (--from/--to, --account)",
        "ngoài phạm vi đã chọn (--from/--to, --account)",
    ),
    "s_selection": (
        "Only the calls selected are counted: {what}.",
        "Chỉ đếm các cuộc gọi đã chọn: {what}.",
    ),
    "sel_window": ("from {start} to {end}", "từ {start} đến {end}"),
    "sel_from": ("from {start}", "từ {start}"),
    "sel_to": ("until {end}", "đến {end}"),
    "sel_accounts": ("accounts {accounts}", "tài khoản {accounts}"),
    "r_malformed_row": ("malformed row (wrong number of fields)", "dòng sai cấu trúc (sai số cột)"),
    "r_not_a_call": ("not a call record", "không phải bản ghi cuộc gọi"),
    "r_missing_start": ("no start time", "thiếu thời điểm bắt đầu"),
    "r_bad_start": ("unreadable start time", "thời điểm bắt đầu không đọc được"),
    "r_missing_end": ("no end time and no duration", "thiếu thời điểm kết thúc và thời lượng"),
    "r_bad_end": ("unreadable end time", "thời điểm kết thúc không đọc được"),
    "r_implausible_time": ("implausible time", "thời gian không hợp lý"),
    "r_end_before_start": ("end before start", "kết thúc trước khi bắt đầu"),
    "r_too_long": ("longer than the maximum duration", "dài hơn thời lượng tối đa"),
    "preset_none": ("(none)", "(không)"),
}

TYPE_NAMES: Final[dict[str, tuple[str, str]]] = {
    "inbound": ("inbound", "cuộc gọi vào"),
    "outbound": ("outbound", "cuộc gọi ra"),
    "internal": ("internal", "cuộc gọi nội bộ"),
    "app_to_app": ("app-to-app", "cuộc gọi app to app"),
    "otp": ("OTP", "cuộc gọi OTP"),
    "other": ("other", "cuộc gọi khác"),
}
# In a chart legend or a table cell, where "cuộc gọi" is understood.
TYPE_SHORT: Final[dict[str, tuple[str, str]]] = {
    "inbound": ("inbound", "gọi vào"),
    "outbound": ("outbound", "gọi ra"),
    "internal": ("internal", "nội bộ"),
    "app_to_app": ("app-to-app", "app to app"),
    "otp": ("OTP", "OTP"),
    "other": ("other", "khác"),
}
_WEEKDAY_NAMES: Final = {
    "en": WEEKDAYS,
    "vi": ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"),
}
_WEEKDAY_SHORT: Final = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "vi": ("T2", "T3", "T4", "T5", "T6", "T7", "CN"),
}
MONTHS_EN: Final = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Words:
    """Messages and formats of one language."""

    lang: str

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ValueError(f"unknown language {self.lang!r}")

    @property
    def _i(self) -> int:
        return LANGUAGES.index(self.lang)

    def __call__(self, key: str, **values: object) -> str:
        """The message ``key`` with ``values`` put in (values are used as they are)."""
        text = MESSAGES[key][self._i]
        return text.format(**values) if values else text

    # --- numbers ----------------------------------------------------------------
    def _separators(self) -> tuple[str, str]:
        """(thousands, decimal)."""
        return (",", ".") if self.lang == "en" else (".", ",")

    def number(self, value: float, decimals: int = 0) -> str:
        """``1,234.5`` (en) or ``1.234,5`` (vi); ``-`` for a value that is not finite."""
        if not math.isfinite(value):
            return "-"
        text = f"{value:,.{decimals}f}"
        thousands, point = self._separators()
        return text.replace(",", "\0").replace(".", point).replace("\0", thousands)

    def integer(self, value: int) -> str:
        return self.number(value, 0)

    def percent(self, share: float) -> str:
        """A share as a percentage with up to three decimals: ``0.09%``, ``0.013%``,
        ``0.1%``, ``0%`` (en); ``0,09%`` (vi)."""
        pct = share * 100
        text = self.number(pct, 3)
        point = self._separators()[1]
        if point in text:
            text = text.rstrip("0").rstrip(point)
        return text + "%"

    # --- times ------------------------------------------------------------------
    def weekday(self, index: int, *, short: bool = False) -> str:
        """Monday is 0."""
        return (_WEEKDAY_SHORT if short else _WEEKDAY_NAMES)[self.lang][index]

    def weekday_named(self, english: str) -> str:
        """The weekday of a JSON ``weekday`` value (``Monday`` .. ``Sunday``)."""
        return self.weekday(WEEKDAYS.index(english))

    def day(self, day: date, *, weekday: bool = True) -> str:
        """``Fri 20 Nov 2026`` (en), ``Thứ Sáu 20/11/2026`` (vi)."""
        if self.lang == "en":
            text = f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
            return f"{self.weekday(day.weekday(), short=True)} {text}" if weekday else text
        text = f"{day.day:02d}/{day.month:02d}/{day.year}"
        return f"{self.weekday(day.weekday())} {text}" if weekday else text

    def day_short(self, day: date) -> str:
        """An axis label: ``20 Nov`` (en), ``20/11`` (vi)."""
        if self.lang == "en":
            return f"{day.day} {MONTHS_EN[day.month - 1]}"
        return f"{day.day:02d}/{day.month:02d}"

    def instant(self, at: datetime) -> str:
        """A local instant to the second: ``Fri 20 Nov 2026, 14:19:57`` (en),
        ``14:19:57 Thứ Sáu 20/11/2026`` (vi). The exact instant (microseconds) is kept in
        the element's ``datetime`` attribute."""
        clock = at.strftime("%H:%M:%S")
        if self.lang == "en":
            return f"{self.day(at.date())}, {clock}"
        return f"{clock} {self.day(at.date())}"

    def clock(self, at: datetime, *, seconds: bool = True) -> str:
        return at.strftime("%H:%M:%S" if seconds else "%H:%M")

    def hour_slot(self, hour: int) -> str:
        """``14:00-15:00``."""
        return f"{hour:02d}:00-{(hour + 1) % 24:02d}:00"

    def duration(self, seconds: float) -> str:
        """``21 s``, ``4 min 49 s``, ``1 h 03 min`` (en); ``21 giây``, ``4 phút 49 giây``,
        ``1 giờ 03 phút`` (vi)."""
        s, m, h = ("s", "min", "h") if self.lang == "en" else ("giây", "phút", "giờ")
        total = round(seconds)
        if total < 60:
            # Below a second: one decimal, so that a 0.4 s interval does not read as 0.
            if seconds < 1 and seconds > 0:
                return f"{self.number(seconds, 1)} {s}"
            return f"{total} {s}"
        hours, rest = divmod(total, 3600)
        minutes, secs = divmod(rest, 60)
        if hours:
            return f"{self.integer(hours)} {h}" + (f" {minutes:02d} {m}" if minutes else "")
        return f"{minutes} {m}" + (f" {secs:02d} {s}" if secs else "")

    def every(self, text: str) -> str:
        """A bucket width (``15m``, ``1h``, ``1d``) in words: ``15 minutes``, ``hour``."""
        unit = text[-1]
        n = int(text[:-1])
        names = {
            "en": {"s": ("second", "seconds"), "m": ("minute", "minutes"),
                   "h": ("hour", "hours"), "d": ("day", "days")},
            "vi": {"s": ("giây", "giây"), "m": ("phút", "phút"),
                   "h": ("giờ", "giờ"), "d": ("ngày", "ngày")},
        }[self.lang][unit]  # fmt: skip
        if n == 1:
            return names[0] if self.lang == "en" else f"1 {names[0]}"
        return f"{n} {names[1]}"

    def call_type(self, name: str, *, short: bool = False) -> str:
        return (TYPE_SHORT if short else TYPE_NAMES)[name][self._i]
