# language: vi
Tính năng: Số hồ sơ theo mẫu quốc gia

  Kịch bản: Số hồ sơ mang mã cơ quan tiếp nhận
    Cho hôm nay là "15/04/2026 09:00"
    Và hồ sơ "BQP-NVQS-03" đã nộp với dữ liệu mẫu
    Thì hồ sơ ở bước "received"
    Và số hồ sơ bắt đầu bằng mã cơ quan "000.00.31.H29"
