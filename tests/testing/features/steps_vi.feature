# language: vi
Tính năng: Thư viện bước bằng tiếng Việt

  Bối cảnh:
    Cho hôm nay là "15/04/2026 09:00"
    Và thủ tục "TEST-01"
    Và người dùng "Lan" có vai trò "officer"
    Và người dùng "Minh" có vai trò "head"

  Kịch bản: Yêu cầu bổ sung rồi người nộp bổ sung
    Cho hồ sơ "TEST-01" đã nộp với:
      | trường     | giá trị    |
      | full_name  | Trần Bình  |
      | birth_date | 1990-03-02 |
      | urgent     | không      |
    Khi "Lan" thực hiện "request_supplement" với:
      | trường | giá trị          |
      | reason | Thiếu bản sao    |
    Thì hồ sơ ở bước "awaiting_supplement"
    Và "Lan" không thể thực hiện "accept"
    Khi người nộp bổ sung giấy tờ
    Thì hồ sơ ở bước "reception"
    Và "Lan" có thể thực hiện "accept"
    Và hồ sơ đúng hạn
    Và lịch sử hồ sơ gồm:
      | thao tác           |
      | submit             |
      | request_supplement |
      | supplement         |

  Kịch bản: Hết hạn bổ sung thì hồ sơ dừng xử lý
    Cho hồ sơ "TEST-01" đã nộp với dữ liệu mẫu
    Khi "Lan" thực hiện "request_supplement" với:
      | trường | giá trị       |
      | reason | Thiếu bản sao |
    Và 6 ngày làm việc trôi qua
    Thì hồ sơ ở bước "stopped"
    Và trang tra cứu của người nộp hiển thị "Dừng"

  Kịch bản: Người nộp rút hồ sơ
    Cho người nộp không nộp giấy tờ "application"
    Khi người nộp nộp hồ sơ với dữ liệu mẫu
    Thì hồ sơ bị từ chối với lỗi ở trường "documents.application"
    Khi người nộp nộp hồ sơ với dữ liệu mẫu
    Thì hồ sơ được tiếp nhận
    Và ngày hẹn trả kết quả là "20/04/2026"
    Khi người nộp thực hiện "withdraw" với:
      | trường | giá trị           |
      | reason | Không còn nhu cầu |
    Thì hồ sơ ở bước "withdrawn"
    Khi 3 ngày trôi qua
    Thì hồ sơ ở bước "withdrawn"
