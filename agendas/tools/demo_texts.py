"""Texts of the demo meeting's documents (fictional, for demonstration only).

Markup, one non-empty line per paragraph (see make_demo_pdfs.markup_to_html):
  "# "   section heading       "## "  numbered heading    "### " bold italic heading
  "> "   italic paragraph      "= "   centred bold caption "~ "   small italic note
  "!pagebreak"                 a line starting with "<" is raw HTML (tables)
  inline: **bold**, //italic//

The people named here are fictional; they match agendas/demo/users.toml.
"""

BI_THU = "Nguyễn Đức Thành"
PHO_BI_THU_TT = "Lê Quang Huy"

# --------------------------------------------------------------------------
# 1. Báo cáo kết quả thực hiện nhiệm vụ năm 2026, phương hướng nhiệm vụ năm 2027
# --------------------------------------------------------------------------

REPORT_BODY = """
Năm 2026 là năm đầu tiên triển khai thực hiện Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV của Đảng và Nghị quyết Đại hội Đảng bộ phường nhiệm kỳ 2025 - 2030; là năm đầu tiên tổ chức cuộc bầu cử đại biểu Quốc hội khóa XVI và đại biểu Hội đồng nhân dân các cấp nhiệm kỳ 2026 - 2031 theo mô hình chính quyền địa phương hai cấp. Bên cạnh những thuận lợi cơ bản, phường cũng gặp không ít khó khăn: khối lượng công việc sau sắp xếp đơn vị hành chính tăng nhiều, yêu cầu về cải cách hành chính và chuyển đổi số ngày càng cao, trong khi đội ngũ cán bộ, công chức còn thiếu so với vị trí việc làm, cơ sở vật chất ở một số tổ dân phố chưa đáp ứng yêu cầu.
Với tinh thần đoàn kết, chủ động, sáng tạo, Đảng bộ, chính quyền và Nhân dân phường đã nỗ lực phấn đấu, thực hiện toàn diện các mục tiêu, nhiệm vụ đề ra; có 18/20 chỉ tiêu chủ yếu đạt và vượt kế hoạch. Đảng ủy phường báo cáo kết quả thực hiện nhiệm vụ năm 2026, phương hướng, nhiệm vụ năm 2027 như sau:
# I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2026
## 1. Công tác chính trị, tư tưởng
Đảng ủy đã lãnh đạo tổ chức học tập, quán triệt và triển khai thực hiện Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV của Đảng, Nghị quyết Đại hội Đảng bộ cấp trên và Nghị quyết Đại hội Đảng bộ phường nhiệm kỳ 2025 - 2030 bằng hình thức trực tiếp kết hợp trực tuyến, bảo đảm 100% cán bộ, đảng viên được tham gia; tỷ lệ đảng viên dự học tập đạt 96,9%. Sau học tập, các chi bộ đã xây dựng chương trình hành động sát với điều kiện thực tế của từng địa bàn.
Công tác nắm bắt, định hướng tư tưởng, dư luận xã hội được duy trì thường xuyên; Ban Chỉ đạo 35 của Đảng ủy đã chủ động đấu tranh, phản bác các quan điểm sai trái, thù địch trên không gian mạng; kịp thời nắm bắt và giải quyết những vấn đề nảy sinh trong Nhân dân, nhất là liên quan đến đất đai, trật tự đô thị và việc sắp xếp các tổ dân phố. Việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh tiếp tục được gắn với thực hiện nhiệm vụ chính trị của từng cơ quan, đơn vị; năm 2026 có 12 tập thể, 27 cá nhân được biểu dương, khen thưởng.
Công tác tuyên truyền được đổi mới theo hướng ứng dụng công nghệ số: Trang thông tin điện tử của phường, nhóm Zalo của 32 tổ dân phố và hệ thống loa truyền thanh thông minh đã đăng tải, phát hơn 1.200 tin, bài phản ánh kịp thời các sự kiện chính trị quan trọng của đất nước, của địa phương và các chủ trương, chính sách mới.
## 2. Công tác tổ chức, cán bộ và xây dựng tổ chức đảng
Đảng ủy tiếp tục thực hiện Nghị quyết số 18-NQ/TW của Ban Chấp hành Trung ương về tiếp tục đổi mới, sắp xếp tổ chức bộ máy của hệ thống chính trị tinh gọn, hoạt động hiệu lực, hiệu quả. Sau sắp xếp, Đảng bộ phường có 54 chi bộ, đảng bộ trực thuộc với 2.146 đảng viên; đã kiện toàn xong cấp ủy các chi bộ tổ dân phố, ban hành quy chế làm việc của Ban Chấp hành, Ban Thường vụ và chương trình kiểm tra, giám sát toàn khóa.
Chất lượng sinh hoạt chi bộ có chuyển biến tích cực; 100% chi bộ duy trì sinh hoạt định kỳ, nhiều chi bộ đã sinh hoạt chuyên đề về cải cách hành chính, chuyển đổi số, bảo vệ môi trường. Việc ứng dụng "Sổ tay đảng viên điện tử" được triển khai rộng rãi, tỷ lệ đảng viên cài đặt và sử dụng đạt 91,2%.
Công tác phát triển đảng viên được quan tâm; năm 2026 kết nạp 17 đảng viên mới, đạt 113,3% kế hoạch, trong đó có 9 đảng viên là đoàn viên thanh niên ưu tú, 3 đảng viên là chủ doanh nghiệp, hộ kinh doanh. Đã xét, đề nghị cấp trên trao Huy hiệu Đảng cho 86 đồng chí đủ tuổi đảng, trong đó có 4 đồng chí nhận Huy hiệu 75 năm tuổi Đảng.
Công tác cán bộ được thực hiện đúng nguyên tắc, quy trình; đã điều động, bố trí 14 công chức theo vị trí việc làm sau sắp xếp; cử 38 lượt cán bộ, công chức tham gia các lớp bồi dưỡng lý luận chính trị, chuyên môn nghiệp vụ và kỹ năng số. Công tác bảo vệ chính trị nội bộ được thực hiện nghiêm túc, đúng quy định.
## 3. Công tác kiểm tra, giám sát và thi hành kỷ luật đảng
Ủy ban Kiểm tra Đảng ủy đã tham mưu Đảng ủy ban hành và thực hiện chương trình kiểm tra, giám sát năm 2026. Đảng ủy đã kiểm tra 4 tổ chức đảng và 8 đảng viên, giám sát chuyên đề 6 tổ chức đảng và 10 đảng viên. Ủy ban Kiểm tra Đảng ủy kiểm tra 5 tổ chức đảng về việc thực hiện nhiệm vụ kiểm tra, giám sát và thu, nộp, quản lý, sử dụng đảng phí; giám sát thường xuyên đối với các cấp ủy viên và đảng viên thuộc diện Ban Thường vụ quản lý.
Qua kiểm tra, giám sát, các tổ chức đảng và đảng viên cơ bản chấp hành tốt Cương lĩnh, Điều lệ Đảng, chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước. Trong năm, đã thi hành kỷ luật 2 đảng viên bằng hình thức khiển trách do vi phạm quy định về những điều đảng viên không được làm; xóa tên 3 đảng viên bỏ sinh hoạt đảng. Tiếp nhận và giải quyết 2 đơn thư, đúng thẩm quyền, thời hạn.
## 4. Công tác dân vận, hoạt động của Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội
Công tác dân vận được đổi mới, gắn với thực hiện Quy chế dân chủ ở cơ sở và mô hình "Chính quyền thân thiện, Nhân dân phát huy quyền làm chủ". Đảng ủy, Ủy ban nhân dân phường đã tổ chức 4 hội nghị đối thoại với Nhân dân về thủ tục hành chính, chỉnh trang đô thị và chuyển đổi số; các kiến nghị của cử tri được tiếp thu, giải quyết kịp thời, tỷ lệ kiến nghị được trả lời đạt 100%.
Ủy ban Mặt trận Tổ quốc Việt Nam phường và các đoàn thể chính trị - xã hội đã hoàn thành việc sắp xếp, kiện toàn tổ chức theo chủ trương của Trung ương; vận động Quỹ "Vì người nghèo" và an sinh xã hội được 412 triệu đồng, hỗ trợ xây mới, sửa chữa 6 nhà ở cho hộ nghèo, hộ có hoàn cảnh khó khăn. Đoàn Thanh niên duy trì hiệu quả các "Tổ công nghệ số cộng đồng" tại 32/32 tổ dân phố, hướng dẫn hơn 3.500 lượt người dân sử dụng dịch vụ công trực tuyến, ứng dụng VNeID và thanh toán không dùng tiền mặt.
## 5. Lãnh đạo phát triển kinh tế - xã hội
### 5.1. Kinh tế, tài chính - ngân sách
Kinh tế trên địa bàn tiếp tục tăng trưởng khá; thương mại, dịch vụ chiếm tỷ trọng 78,4% trong cơ cấu kinh tế. Tổng thu ngân sách nhà nước trên địa bàn đạt 63,2 tỷ đồng, bằng 108,0% dự toán; chi ngân sách bảo đảm đúng dự toán, tiết kiệm, hiệu quả. Trên địa bàn có thêm 46 doanh nghiệp và 215 hộ kinh doanh đăng ký mới; 92% hộ kinh doanh thực hiện thanh toán không dùng tiền mặt. Thu nhập bình quân đầu người ước đạt 98,4 triệu đồng/năm.
### 5.2. Quản lý đô thị, đất đai và môi trường
Công tác quản lý trật tự xây dựng, trật tự đô thị được tăng cường; đã cấp 128 giấy phép xây dựng, xử lý dứt điểm 7 trường hợp vi phạm. Dự án chỉnh trang vỉa hè, hệ thống chiếu sáng trên 4 tuyến phố chính hoàn thành đúng tiến độ. Tỷ lệ rác thải sinh hoạt được thu gom, xử lý đạt 100%; phong trào "Ngày Chủ nhật xanh" được duy trì hằng tháng tại các tổ dân phố.
### 5.3. Văn hóa - xã hội
Các hoạt động văn hóa, văn nghệ, thể dục thể thao được tổ chức sôi nổi, nhất là dịp kỷ niệm các ngày lễ lớn và trong thời gian diễn ra cuộc bầu cử. Tỷ lệ hộ gia đình đạt danh hiệu "Gia đình văn hóa" đạt 92,5%; 30/32 tổ dân phố đạt danh hiệu "Tổ dân phố văn hóa". Chất lượng giáo dục được giữ vững, 4/4 trường trên địa bàn đạt chuẩn quốc gia. Tỷ lệ người dân tham gia bảo hiểm y tế đạt 96,2%; tỷ lệ hộ nghèo giảm còn 0,35%. Các chính sách đối với người có công, đối tượng bảo trợ xã hội được thực hiện đầy đủ, kịp thời.
## 6. Cải cách hành chính và chuyển đổi số
Đảng ủy xác định cải cách hành chính gắn với chuyển đổi số là một trong ba khâu đột phá của nhiệm kỳ. Trung tâm Phục vụ hành chính công phường đã đi vào hoạt động ổn định; 100% thủ tục hành chính được niêm yết công khai, đầy đủ; cán bộ, công chức tại Trung tâm thành thạo công nghệ thông tin, có thái độ phục vụ niềm nở, tận tình. Năm 2026, phường tiếp nhận 1.846 hồ sơ thủ tục hành chính, trong đó hồ sơ nộp trực tuyến chiếm 96,6%; 99,4% hồ sơ được giải quyết trước hạn và đúng hạn; 97,8% hồ sơ được số hóa. Đối với 11 hồ sơ giải quyết quá hạn, Trung tâm đã có văn bản xin lỗi và hẹn lại thời gian trả kết quả cho người dân.
100% cán bộ, công chức có tài khoản dịch vụ công và thực hiện giao, nhận nhiệm vụ trên Hệ thống quản lý văn bản và điều hành; 100% văn bản đi (trừ văn bản mật) được ký số. Từ tháng 3 năm 2026, các hội nghị Ban Chấp hành, Ban Thường vụ Đảng ủy được tổ chức theo hình thức phòng họp không giấy: tài liệu được số hóa, các đồng chí cấp ủy viên theo dõi, ghi chú và biểu quyết trên máy tính bảng; qua 9 hội nghị đã tiết kiệm khoảng 46.000 trang tài liệu in.
= Bảng 1. Một số chỉ tiêu về cải cách hành chính và chuyển đổi số năm 2026
{TABLE_CCHC}
~ Nguồn: Trung tâm Phục vụ hành chính công phường; số liệu đến ngày 15/11/2026, ước thực hiện cả năm.
## 7. Quốc phòng, an ninh
Tình hình an ninh chính trị, trật tự an toàn xã hội trên địa bàn được giữ vững. Công an phường đã triển khai đồng bộ các giải pháp bảo đảm an ninh, trật tự, nhất là trong thời gian diễn ra cuộc bầu cử; số vụ phạm pháp hình sự giảm 12% so với năm 2025; tỷ lệ điều tra, làm rõ đạt 91%. Hoàn thành 100% chỉ tiêu tuyển chọn và gọi công dân nhập ngũ; tổ chức tốt diễn tập khu vực phòng thủ phường năm 2026, được cấp trên đánh giá đạt loại giỏi.
# II. ĐÁNH GIÁ CHUNG
## 1. Ưu điểm
Năm 2026, Đảng ủy đã bám sát sự lãnh đạo, chỉ đạo của cấp trên, ban hành kịp thời các nghị quyết, chương trình, kế hoạch để lãnh đạo thực hiện nhiệm vụ chính trị. Công tác xây dựng Đảng và hệ thống chính trị có nhiều chuyển biến; kinh tế tiếp tục tăng trưởng, thu ngân sách vượt dự toán; văn hóa - xã hội có bước phát triển, an sinh xã hội được bảo đảm; quốc phòng, an ninh được giữ vững. Cải cách hành chính và chuyển đổi số đạt nhiều kết quả nổi bật, trở thành điểm sáng của phường.
## 2. Hạn chế, khuyết điểm
- Một số chi bộ tổ dân phố chậm đổi mới nội dung sinh hoạt; việc đánh giá, xếp loại chất lượng đảng viên ở một số nơi còn nể nang.
- Hạ tầng công nghệ thông tin chưa đồng bộ; đường truyền, thiết bị tại một số nhà văn hóa tổ dân phố xuống cấp; kỹ năng số của một bộ phận người dân cao tuổi còn hạn chế.
- Tỷ lệ hồ sơ được giải quyết trước hạn chưa cao; còn 11 hồ sơ quá hạn, chủ yếu do người dân phải bổ sung nhiều lần vì hướng dẫn chưa đầy đủ.
- Công tác quản lý trật tự đô thị ở một số tuyến phố chưa thường xuyên, tình trạng lấn chiếm vỉa hè còn tái diễn.
## 3. Nguyên nhân của hạn chế, khuyết điểm
Nguyên nhân khách quan: khối lượng công việc sau sắp xếp đơn vị hành chính lớn; nguồn kinh phí đầu tư cho hạ tầng số còn hạn chế; một số quy định của cấp trên về thủ tục hành chính thay đổi nhiều lần trong năm.
Nguyên nhân chủ quan: một số cấp ủy, người đứng đầu chưa thật sự quyết liệt; việc kiểm tra, đôn đốc thực hiện có lúc chưa thường xuyên; một bộ phận cán bộ, công chức chưa chủ động cập nhật kiến thức, kỹ năng số.
## 4. Bài học kinh nghiệm
Một là, phải giữ vững nguyên tắc tập trung dân chủ, phát huy sức mạnh đoàn kết, thống nhất trong Ban Chấp hành. Hai là, phát huy vai trò nêu gương của người đứng đầu, gắn trách nhiệm cá nhân với kết quả thực hiện nhiệm vụ. Ba là, lấy sự hài lòng của người dân, doanh nghiệp làm thước đo chất lượng phục vụ của đội ngũ cán bộ, công chức. Bốn là, chuyển đổi số phải đi trước một bước, lấy người dân làm trung tâm, bắt đầu từ chính hoạt động của cấp ủy.
# III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2027
## 1. Mục tiêu tổng quát
Tiếp tục nâng cao năng lực lãnh đạo, sức chiến đấu của Đảng bộ; xây dựng chính quyền phường phục vụ Nhân dân chuyên nghiệp, hiện đại; đẩy mạnh cải cách hành chính gắn với chuyển đổi số; phát triển kinh tế - xã hội nhanh, bền vững; bảo đảm quốc phòng, an ninh; phấn đấu hoàn thành toàn diện các chỉ tiêu Nghị quyết Đại hội Đảng bộ phường đề ra cho năm 2027.
## 2. Một số chỉ tiêu chủ yếu
- Tổng thu ngân sách nhà nước trên địa bàn đạt 66 tỷ đồng trở lên.
- Tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến đạt từ 97% trở lên; tỷ lệ hồ sơ giải quyết trước hạn đạt từ 75% trở lên.
- 100% hội nghị của Ban Chấp hành, Ban Thường vụ Đảng ủy và các cuộc họp của Ủy ban nhân dân phường được tổ chức theo hình thức không giấy (trừ nội dung mật).
- Kết nạp từ 15 đảng viên mới trở lên; trên 90% tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ trở lên.
- Tỷ lệ người dân tham gia bảo hiểm y tế đạt 96,5% trở lên; tỷ lệ hộ gia đình văn hóa đạt 93% trở lên.
## 3. Nhiệm vụ, giải pháp trọng tâm
**Thứ nhất**, tăng cường công tác xây dựng Đảng về chính trị, tư tưởng, đạo đức, tổ chức và cán bộ; nâng cao chất lượng sinh hoạt chi bộ, chú trọng sinh hoạt chuyên đề; thực hiện nghiêm các quy định về nêu gương; tiếp tục ứng dụng công nghệ số trong quản lý đảng viên và hồ sơ đảng viên.
**Thứ hai**, ban hành và triển khai Nghị quyết chuyên đề về đẩy mạnh cải cách hành chính gắn với chuyển đổi số giai đoạn 2027 - 2030; triển khai Kế hoạch phòng họp không giấy giai đoạn 2027 - 2028, mở rộng đến Ủy ban nhân dân phường và các chi bộ có đủ điều kiện.
**Thứ ba**, tập trung phát triển thương mại, dịch vụ; tạo môi trường thuận lợi cho doanh nghiệp, hộ kinh doanh; quản lý chặt chẽ đất đai, trật tự xây dựng, trật tự đô thị; hoàn thành các công trình chỉnh trang đô thị theo kế hoạch.
**Thứ tư**, thực hiện tốt các chính sách an sinh xã hội; nâng cao chất lượng giáo dục, y tế; đẩy mạnh phong trào "Toàn dân đoàn kết xây dựng đời sống văn hóa", xây dựng tổ dân phố văn minh đô thị.
**Thứ năm**, giữ vững an ninh chính trị, trật tự an toàn xã hội; làm tốt công tác tuyển quân; tăng cường bảo đảm an toàn, an ninh mạng và bảo vệ bí mật nhà nước trong quá trình chuyển đổi số.
**Thứ sáu**, phát huy vai trò của Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội trong giám sát, phản biện xã hội; nhân rộng các mô hình "Tổ công nghệ số cộng đồng", "Dân vận khéo" trong cải cách hành chính.
# IV. KIẾN NGHỊ, ĐỀ XUẤT
1. Đề nghị cấp trên quan tâm bố trí kinh phí hỗ trợ đầu tư hạ tầng số cho các phường sau sắp xếp, trong đó có trang thiết bị phòng họp không giấy và mạng nội bộ tại nhà văn hóa các tổ dân phố.
2. Đề nghị các sở, ngành của tỉnh sớm hoàn thiện việc kết nối, chia sẻ dữ liệu đất đai, hộ tịch, hộ kinh doanh với hệ thống thông tin giải quyết thủ tục hành chính của phường, hạn chế việc yêu cầu người dân cung cấp lại giấy tờ đã có trong cơ sở dữ liệu.
3. Đề nghị tổ chức các lớp bồi dưỡng chuyên sâu về an toàn thông tin, bảo vệ bí mật nhà nước trên môi trường số cho cán bộ làm công tác văn phòng cấp ủy và cán bộ lưu trữ cấp xã.
Trên đây là báo cáo kết quả thực hiện nhiệm vụ năm 2026, phương hướng, nhiệm vụ năm 2027 của Đảng ủy phường Phan Đình Phùng, trình Hội nghị Ban Chấp hành Đảng bộ phường thảo luận, cho ý kiến./.
"""

REPORT_ANNEX = """
= PHỤ LỤC
= KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CHỦ YẾU NĂM 2026
~~ (Kèm theo Báo cáo số 186-BC/ĐU ngày 20/11/2026 của Đảng ủy phường Phan Đình Phùng)
{TABLE_CHI_TIEU}
~ Ghi chú: (*) chỉ tiêu không đạt kế hoạch; số liệu năm 2026 là số ước thực hiện cả năm.
"""

TABLE_CCHC = {
    "header": ["STT", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "Đánh giá"],
    "widths": [30, 215, 70, 70, 80],
    "align": ["c", "l", "c", "c", "c"],
    "rows": [
        ["1", "Tổng số hồ sơ thủ tục hành chính tiếp nhận", "-", "1.846", "-"],
        ["2", "Tỷ lệ hồ sơ nộp trực tuyến", "≥ 90%", "96,6%", "Vượt"],
        ["3", "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn", "100%", "99,4%", "Không đạt"],
        ["4", "Tỷ lệ hồ sơ giải quyết trước hạn", "≥ 70%", "71,3%", "Đạt"],
        ["5", "Tỷ lệ hồ sơ, kết quả giải quyết được số hóa", "≥ 95%", "97,8%", "Vượt"],
        ["6", "Tỷ lệ văn bản đi được ký số (trừ văn bản mật)", "100%", "100%", "Đạt"],
        ["7", "Tỷ lệ hộ gia đình có điện thoại thông minh", "≥ 95%", "98,3%", "Vượt"],
        ["8", "Tỷ lệ người dân từ 14 tuổi có tài khoản định danh điện tử mức 2", "≥ 90%", "94,1%", "Vượt"],
        ["9", "Số hội nghị cấp ủy tổ chức theo hình thức không giấy", "8", "9", "Vượt"],
    ],
}

TABLE_CHI_TIEU = {
    "header": ["STT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch 2026", "Thực hiện 2026", "So với KH (%)"],
    "widths": [26, 200, 58, 54, 54, 52],
    "align": ["c", "l", "c", "r", "r", "r"],
    "rows": [
        ["", "!A. Kinh tế"],
        ["1", "Tổng thu ngân sách nhà nước trên địa bàn", "tỷ đồng", "58,5", "63,2", "108,0"],
        ["2", "Thu nhập bình quân đầu người", "triệu đồng", "96,0", "98,4", "102,5"],
        ["3", "Doanh nghiệp thành lập mới", "doanh nghiệp", "40", "46", "115,0"],
        ["4", "Tỷ trọng thương mại, dịch vụ trong cơ cấu kinh tế", "%", "78,0", "78,4", "100,5"],
        ["", "!B. Văn hóa - xã hội"],
        ["5", "Tỷ lệ hộ gia đình văn hóa", "%", "92,0", "92,5", "100,5"],
        ["6", "Tổ dân phố văn hóa", "tổ", "30", "30", "100,0"],
        ["7", "Tỷ lệ người dân tham gia bảo hiểm y tế", "%", "96,0", "96,2", "100,2"],
        ["8", "Tỷ lệ hộ nghèo", "%", "≤ 0,40", "0,35", "Đạt"],
        ["9", "Tỷ lệ rác thải sinh hoạt được thu gom, xử lý", "%", "100", "100", "100,0"],
        ["", "!C. Cải cách hành chính, chuyển đổi số"],
        ["10", "Tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến", "%", "90,0", "96,6", "107,3"],
        ["11", "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn (*)", "%", "100", "99,4", "99,4"],
        ["12", "Tỷ lệ hồ sơ được số hóa", "%", "95,0", "97,8", "102,9"],
        ["13", "Hội nghị cấp ủy không giấy", "hội nghị", "8", "9", "112,5"],
        ["", "!D. Quốc phòng, an ninh"],
        ["14", "Hoàn thành chỉ tiêu giao quân", "%", "100", "100", "100,0"],
        ["15", "Tỷ lệ điều tra, làm rõ án hình sự", "%", "≥ 90", "91", "Đạt"],
        ["", "!E. Xây dựng Đảng, hệ thống chính trị"],
        ["16", "Kết nạp đảng viên mới", "đảng viên", "15", "17", "113,3"],
        ["17", "Tỷ lệ tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ trở lên", "%", "≥ 90", "93,1", "Đạt"],
        ["18", "Tỷ lệ đảng viên hoàn thành tốt nhiệm vụ trở lên", "%", "≥ 90", "92,4", "Đạt"],
        ["19", "Tỷ lệ đảng viên sử dụng Sổ tay đảng viên điện tử (*)", "%", "95,0", "91,2", "96,0"],
        ["20", "Chi bộ tổ dân phố có mô hình dân vận khéo", "chi bộ", "20", "24", "120,0"],
    ],
}

# --------------------------------------------------------------------------
# 2. Dự thảo Nghị quyết về đẩy mạnh cải cách hành chính gắn với chuyển đổi số
# --------------------------------------------------------------------------

RESOLUTION_BODY = """
> Căn cứ Điều lệ Đảng Cộng sản Việt Nam; Quy chế làm việc của Ban Chấp hành Đảng bộ phường nhiệm kỳ 2025 - 2030;
> Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia;
> Căn cứ Nghị quyết Đại hội Đảng bộ phường nhiệm kỳ 2025 - 2030;
> Trên cơ sở thảo luận, thống nhất của Hội nghị Ban Chấp hành Đảng bộ phường ngày 27/11/2026,
= BAN CHẤP HÀNH ĐẢNG BỘ PHƯỜNG QUYẾT NGHỊ:
# I. TÌNH HÌNH VÀ NGUYÊN NHÂN
Sau hơn một năm thực hiện mô hình chính quyền địa phương hai cấp, công tác cải cách hành chính và chuyển đổi số của phường đã đạt được nhiều kết quả quan trọng. Trung tâm Phục vụ hành chính công phường hoạt động nền nếp, hiệu quả; tỷ lệ hồ sơ nộp trực tuyến năm 2026 đạt 96,6%, tỷ lệ hồ sơ được số hóa đạt 97,8%; 100% cán bộ, công chức sử dụng Hệ thống quản lý văn bản và điều hành, ký số văn bản. Các hội nghị của cấp ủy được tổ chức theo hình thức phòng họp không giấy, góp phần tiết kiệm chi phí, nâng cao hiệu quả lãnh đạo, điều hành. Mức độ hài lòng của người dân, doanh nghiệp đối với sự phục vụ của cơ quan hành chính ngày càng cao.
Tuy nhiên, công tác cải cách hành chính và chuyển đổi số vẫn còn những hạn chế: tỷ lệ hồ sơ giải quyết trước hạn chưa cao; dữ liệu giữa các lĩnh vực chưa được kết nối, chia sẻ đầy đủ; hạ tầng công nghệ thông tin tại các tổ dân phố chưa đồng bộ; kỹ năng số của một bộ phận cán bộ, công chức và người dân còn hạn chế; nhận thức của một số cấp ủy, người đứng đầu về chuyển đổi số chưa đầy đủ.
Nguyên nhân của hạn chế chủ yếu do một số cấp ủy, chi bộ chưa quan tâm đúng mức đến lãnh đạo cải cách hành chính, chuyển đổi số; nguồn lực đầu tư còn hạn chế, chưa tương xứng với yêu cầu; việc đào tạo, bồi dưỡng kỹ năng số chưa thường xuyên, thiếu chiều sâu.
Trước yêu cầu phát triển trong giai đoạn mới, nhất là yêu cầu xây dựng chính quyền số, xã hội số theo tinh thần Nghị quyết số 57-NQ/TW của Bộ Chính trị, việc ban hành Nghị quyết chuyên đề về đẩy mạnh cải cách hành chính gắn với chuyển đổi số là cần thiết, nhằm thống nhất nhận thức và hành động trong toàn Đảng bộ, tạo chuyển biến rõ nét, thực chất trong phục vụ người dân, doanh nghiệp.
# II. QUAN ĐIỂM, MỤC TIÊU
## 1. Quan điểm
- Cải cách hành chính gắn với chuyển đổi số là nhiệm vụ trọng tâm, là một trong ba khâu đột phá của nhiệm kỳ 2025 - 2030; là trách nhiệm của cả hệ thống chính trị, trước hết là của cấp ủy và người đứng đầu.
- Lấy người dân, doanh nghiệp làm trung tâm; lấy sự hài lòng của người dân, doanh nghiệp làm thước đo hiệu quả phục vụ của chính quyền.
- Chuyển đổi số phải bắt đầu từ chính hoạt động lãnh đạo, chỉ đạo của cấp ủy; đi đôi với bảo đảm an toàn, an ninh mạng và bảo vệ bí mật nhà nước.
## 2. Mục tiêu tổng quát
Xây dựng chính quyền phường phục vụ Nhân dân chuyên nghiệp, hiện đại, hoạt động hiệu lực, hiệu quả; phát triển chính quyền số, xã hội số, kinh tế số, phấn đấu đến năm 2030 phường trở thành đơn vị dẫn đầu về cải cách hành chính và chuyển đổi số của tỉnh.
## 3. Chỉ tiêu cụ thể đến năm 2030
- Tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến đạt từ 98% trở lên; 80% hồ sơ được giải quyết trước hạn; 100% hồ sơ, kết quả giải quyết được số hóa và tái sử dụng.
- 100% hội nghị của Ban Chấp hành, Ban Thường vụ Đảng ủy, cuộc họp của Ủy ban nhân dân phường và 50% chi bộ trực thuộc sinh hoạt có sử dụng tài liệu điện tử (trừ nội dung mật).
- 100% cán bộ, công chức được bồi dưỡng kỹ năng số hằng năm; 100% tổ dân phố có "Tổ công nghệ số cộng đồng" hoạt động hiệu quả.
- Mức độ hài lòng của người dân, doanh nghiệp đối với sự phục vụ của cơ quan hành chính đạt từ 95% trở lên.
# III. NHIỆM VỤ, GIẢI PHÁP CHỦ YẾU
## 1. Nâng cao nhận thức, trách nhiệm của cấp ủy, người đứng đầu
Các chi bộ, đảng bộ trực thuộc đưa nội dung cải cách hành chính, chuyển đổi số vào chương trình công tác toàn khóa và hằng năm; định kỳ sinh hoạt chuyên đề ít nhất 1 lần/năm. Kết quả cải cách hành chính, chuyển đổi số là tiêu chí đánh giá, xếp loại tổ chức đảng, đảng viên và người đứng đầu cuối năm.
## 2. Đẩy mạnh cải cách thủ tục hành chính
Rà soát, đơn giản hóa thủ tục hành chính; thực hiện nghiêm việc công khai, minh bạch; tiếp nhận, giải quyết hồ sơ không phụ thuộc địa giới hành chính đối với các thủ tục được cấp có thẩm quyền cho phép. Tăng cường hướng dẫn một lần, đầy đủ; kiên quyết xử lý cán bộ, công chức gây phiền hà, sách nhiễu.
## 3. Phát triển hạ tầng số, dữ liệu số và phòng họp không giấy
Đầu tư, nâng cấp mạng nội bộ, thiết bị tại Trung tâm Phục vụ hành chính công và nhà văn hóa các tổ dân phố. Xây dựng, cập nhật cơ sở dữ liệu của phường về dân cư, đất đai, hộ kinh doanh theo hướng "đúng, đủ, sạch, sống". Mở rộng phòng họp không giấy đến Ủy ban nhân dân phường và các chi bộ có đủ điều kiện theo Kế hoạch giai đoạn 2027 - 2028; hệ thống vận hành trên mạng nội bộ, không kết nối Internet trong thời gian họp.
## 4. Nâng cao kỹ năng số của cán bộ, công chức và người dân
Tổ chức bồi dưỡng kỹ năng số, an toàn thông tin cho cán bộ, công chức và cấp ủy viên; phát huy vai trò của "Tổ công nghệ số cộng đồng", Đoàn Thanh niên trong hướng dẫn người dân, nhất là người cao tuổi, sử dụng dịch vụ công trực tuyến, ứng dụng VNeID và thanh toán không dùng tiền mặt.
## 5. Bảo đảm an toàn, an ninh mạng và bảo vệ bí mật nhà nước
Thực hiện nghiêm quy định về bảo vệ bí mật nhà nước; tuyệt đối không soạn thảo, lưu trữ, truyền đưa tài liệu có nội dung bí mật nhà nước trên hệ thống, thiết bị kết nối mạng. Phân quyền truy cập tài liệu theo đúng đối tượng; lưu vết, kiểm tra định kỳ việc sử dụng hệ thống. Công an phường chủ động phối hợp với Văn phòng Đảng ủy rà soát, đánh giá an toàn thông tin đối với các hệ thống dùng chung ít nhất 1 lần/năm; xây dựng phương án ứng cứu sự cố và diễn tập xử lý sự cố mất kết nối, mất dữ liệu.
## 6. Phát huy vai trò giám sát của Nhân dân
Công khai trên Trang thông tin điện tử của phường và tại Trung tâm Phục vụ hành chính công kết quả giải quyết thủ tục hành chính, số hồ sơ quá hạn và lý do; duy trì đường dây nóng, hòm thư góp ý và kênh tiếp nhận phản ánh, kiến nghị trên ứng dụng của tỉnh. Định kỳ 6 tháng tổ chức khảo sát mức độ hài lòng của người dân, doanh nghiệp; kết quả khảo sát là căn cứ để đánh giá cán bộ, công chức và người đứng đầu.
## 7. Bảo đảm nguồn lực
Ưu tiên bố trí ngân sách phường hằng năm cho cải cách hành chính, chuyển đổi số, không thấp hơn 3% tổng chi thường xuyên; tranh thủ nguồn hỗ trợ của cấp trên và huy động các nguồn hợp pháp khác. Bố trí đủ công chức có trình độ công nghệ thông tin tại Văn phòng Đảng ủy và Trung tâm Phục vụ hành chính công; có chế độ khuyến khích đối với cán bộ, công chức có sáng kiến trong cải cách hành chính, chuyển đổi số được công nhận.
# IV. TỔ CHỨC THỰC HIỆN
1. Các chi bộ, đảng bộ trực thuộc tổ chức quán triệt Nghị quyết đến cán bộ, đảng viên; xây dựng kế hoạch thực hiện sát với thực tế, hoàn thành trong quý I năm 2027.
2. Đảng ủy Ủy ban nhân dân phường lãnh đạo Ủy ban nhân dân phường cụ thể hóa Nghị quyết thành kế hoạch, bố trí nguồn lực thực hiện hằng năm.
3. Ủy ban Mặt trận Tổ quốc Việt Nam và các đoàn thể chính trị - xã hội phường tuyên truyền, vận động hội viên, đoàn viên và Nhân dân tích cực hưởng ứng; giám sát việc thực hiện Nghị quyết.
4. Văn phòng Đảng ủy chủ trì, phối hợp với Ban Xây dựng Đảng, Ủy ban Kiểm tra Đảng ủy theo dõi, đôn đốc, kiểm tra việc thực hiện; định kỳ hằng năm báo cáo Ban Thường vụ Đảng ủy; sơ kết vào năm 2028 và tổng kết vào năm 2030.
Nghị quyết này được phổ biến đến chi bộ và đảng viên./.
"""

# --------------------------------------------------------------------------
# 3. Kế hoạch triển khai phòng họp không giấy giai đoạn 2027 - 2028
# --------------------------------------------------------------------------

PLAN_BODY = """
Thực hiện Nghị quyết Đại hội Đảng bộ phường nhiệm kỳ 2025 - 2030 và trên cơ sở kết quả thí điểm phòng họp không giấy tại các hội nghị Ban Chấp hành, Ban Thường vụ Đảng ủy năm 2026, Ban Thường vụ Đảng ủy xây dựng Kế hoạch triển khai phòng họp không giấy giai đoạn 2027 - 2028 như sau:
# I. MỤC ĐÍCH, YÊU CẦU
## 1. Mục đích
- Đổi mới phương thức lãnh đạo, chỉ đạo, điều hành của cấp ủy, chính quyền theo hướng hiện đại, khoa học; giảm thời gian chuẩn bị, in ấn, phát hành tài liệu; tiết kiệm chi phí.
- Bảo đảm các đồng chí dự họp tiếp cận tài liệu đầy đủ, kịp thời; theo dõi tài liệu cùng người chủ trì, ghi chú, biểu quyết và xem lại kết quả ngay trên máy tính bảng.
- Hình thành kho tài liệu hội nghị điện tử, phục vụ tra cứu, lưu trữ theo quy định.
## 2. Yêu cầu
- Hệ thống vận hành ổn định trên mạng nội bộ của trụ sở, không phụ thuộc kết nối Internet; dễ sử dụng đối với cả các đồng chí cao tuổi.
- Tài liệu có nội dung bí mật nhà nước không đưa lên hệ thống; việc phân quyền, lưu vết truy cập tuân thủ quy định về an toàn thông tin.
- Việc triển khai có lộ trình, bảo đảm hiệu quả, không hình thức, lãng phí.
## 3. Phạm vi, đối tượng áp dụng
- Năm 2027: hội nghị Ban Chấp hành, Ban Thường vụ Đảng ủy; các cuộc họp của Ủy ban nhân dân phường từ quý III năm 2027.
- Năm 2028: mở rộng đến cuộc họp của Ủy ban Mặt trận Tổ quốc Việt Nam phường và sinh hoạt của các chi bộ có đủ điều kiện về thiết bị, đường truyền.
- Đối tượng sử dụng gồm: các đồng chí cấp ủy viên; đại biểu được mời dự họp; thư ký hội nghị; cán bộ quản trị hệ thống và cán bộ lưu trữ của Văn phòng Đảng ủy. Đại biểu mời dự họp được theo dõi tài liệu nhưng không tham gia biểu quyết.
# II. NỘI DUNG, NHIỆM VỤ
## 1. Hoàn thiện hạ tầng, thiết bị
Nâng cấp mạng không dây nội bộ tại hội trường và phòng họp; bổ sung máy tính bảng, bút cảm ứng, bộ lưu điện và máy chủ đặt tại trụ sở; bố trí màn hình lớn tại hội trường hiển thị trang tài liệu và kết quả biểu quyết. Mỗi đại biểu được cấp một thiết bị có gắn tên, được quản lý tập trung.
## 2. Phần mềm và quy trình nghiệp vụ
Sử dụng phần mềm phòng họp không giấy mã nguồn mở, cài đặt trên máy chủ của phường, đáp ứng các chức năng: quản lý cuộc họp, chương trình, tài liệu; điểm danh; đồng bộ trang tài liệu theo người chủ trì; ghi chú cá nhân và chia sẻ; biểu quyết công khai, biểu quyết kín; dự thảo biên bản; xuất hồ sơ cuộc họp phục vụ lưu trữ, có mã kiểm tra tính toàn vẹn.
Văn phòng Đảng ủy chuẩn bị thư mục tài liệu của mỗi cuộc họp (chương trình và các tệp PDF), đưa lên hệ thống chậm nhất 03 ngày làm việc trước ngày họp; tài liệu bổ sung tại hội nghị do thư ký hội nghị cập nhật. Văn bản đã ký, đóng dấu được số hóa bằng máy quét với độ phân giải tối thiểu 200 dpi trước khi đưa lên hệ thống.
= Bảng 1. Quy trình tổ chức một hội nghị theo hình thức không giấy
{TABLE_WORKFLOW}
## 3. Quy chế sử dụng
Ban hành Quy chế quản lý, sử dụng phòng họp không giấy, quy định rõ trách nhiệm của người chủ trì, thư ký hội nghị, đại biểu, bộ phận quản trị hệ thống và bộ phận lưu trữ; quy định về bảo quản thiết bị, mật khẩu, xử lý sự cố và trường hợp cần in tài liệu giấy.
## 4. Tập huấn, hỗ trợ người sử dụng
Tổ chức tập huấn cho 100% cấp ủy viên, thư ký hội nghị và cán bộ lưu trữ; phát hành tài liệu hướng dẫn ngắn gọn; bố trí cán bộ kỹ thuật hỗ trợ tại chỗ trong các hội nghị của quý đầu triển khai.
## 5. Bảo đảm an toàn thông tin
Máy chủ đặt tại phòng làm việc của Văn phòng Đảng ủy, có khóa và bộ lưu điện; dữ liệu được sao lưu hằng tuần ra thiết bị lưu trữ riêng, cất giữ tại tủ tài liệu của Văn phòng. Máy tính bảng chỉ cài đặt các ứng dụng cần thiết, được khóa bằng mật khẩu và thu hồi về tủ sạc sau mỗi hội nghị. Tài khoản của đại biểu được cấp theo từng người, không dùng chung; mọi thao tác mở tài liệu, biểu quyết đều được hệ thống ghi nhận. Nghiêm cấm chụp ảnh màn hình, sao chép tài liệu hội nghị ra ngoài khi chưa được phép của người chủ trì.
## 6. Lưu trữ hồ sơ hội nghị điện tử
Kết thúc mỗi hội nghị, thư ký hoàn thiện biên bản, trình người chủ trì duyệt trên hệ thống; sau khi biên bản được chốt, cán bộ lưu trữ xuất hồ sơ hội nghị (tài liệu, biên bản, kết quả biểu quyết, danh sách đại biểu dự họp) kèm mã kiểm tra tính toàn vẹn, lập hồ sơ và nộp lưu theo quy định về công tác văn thư, lưu trữ của Đảng.
## 7. Mở rộng phạm vi áp dụng
Sau khi áp dụng ổn định tại hội nghị Ban Chấp hành, Ban Thường vụ Đảng ủy, mở rộng đến cuộc họp của Ủy ban nhân dân phường, Ủy ban Mặt trận Tổ quốc Việt Nam phường và các chi bộ có đủ điều kiện.
# III. LỘ TRÌNH THỰC HIỆN
= Bảng 2. Lộ trình triển khai giai đoạn 2027 - 2028
{TABLE_TIMELINE}
# IV. KINH PHÍ THỰC HIỆN
Kinh phí thực hiện Kế hoạch được bố trí từ dự toán ngân sách phường năm 2027, năm 2028 và các nguồn hợp pháp khác theo quy định; dự kiến tổng kinh phí giai đoạn 2027 - 2028 khoảng 486 triệu đồng (năm 2027: 412 triệu đồng; năm 2028: 74 triệu đồng), chi tiết theo Tờ trình của Ban Thường vụ Đảng ủy. Việc mua sắm thực hiện theo đúng quy định của pháp luật về đấu thầu.
# V. TỔ CHỨC THỰC HIỆN
1. **Văn phòng Đảng ủy** là cơ quan thường trực, chủ trì tham mưu triển khai Kế hoạch; chuẩn bị tài liệu, quản trị hệ thống; định kỳ 6 tháng báo cáo Ban Thường vụ Đảng ủy kết quả thực hiện.
2. **Đảng ủy Ủy ban nhân dân phường** lãnh đạo Ủy ban nhân dân phường bố trí kinh phí, tổ chức mua sắm thiết bị; áp dụng phòng họp không giấy tại các cuộc họp của Ủy ban nhân dân phường từ quý III năm 2027.
3. **Công an phường** phối hợp hướng dẫn, kiểm tra việc bảo vệ bí mật nhà nước, an toàn, an ninh mạng đối với hệ thống.
4. **Các chi bộ, đảng bộ trực thuộc** căn cứ Kế hoạch, đăng ký tham gia mở rộng trong năm 2028.
Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị kịp thời báo cáo Ban Thường vụ Đảng ủy (qua Văn phòng Đảng ủy) để xem xét, chỉ đạo./.
"""

TABLE_WORKFLOW = {
    "header": ["Bước", "Công việc", "Người thực hiện", "Thời điểm"],
    "widths": [36, 210, 100, 90],
    "align": ["c", "l", "l", "c"],
    "rows": [
        ["1", "Lập chương trình, danh sách đại biểu; chuẩn bị thư mục tài liệu (chương trình và các tệp PDF)", "Văn phòng Đảng ủy", "Trước 05 ngày làm việc"],
        ["2", "Đưa cuộc họp và tài liệu lên hệ thống; kiểm tra hiển thị trên máy tính bảng", "Thư ký hội nghị", "Trước 03 ngày làm việc"],
        ["3", "Đại biểu đăng nhập, nghiên cứu tài liệu, ghi chú cá nhân", "Đại biểu dự họp", "Trước ngày họp"],
        ["4", "Điểm danh; khai mạc; điều khiển trang tài liệu theo chương trình", "Người chủ trì, thư ký", "Tại hội nghị"],
        ["5", "Thảo luận; biểu quyết công khai hoặc biểu quyết kín trên máy tính bảng", "Người chủ trì, đại biểu", "Tại hội nghị"],
        ["6", "Hoàn thiện, chốt biên bản; xuất hồ sơ hội nghị để lưu trữ", "Thư ký, cán bộ lưu trữ", "Sau hội nghị 05 ngày"],
    ],
}

TABLE_TIMELINE = {
    "header": ["STT", "Nội dung công việc", "Chủ trì", "Phối hợp", "Thời gian"],
    "widths": [28, 180, 85, 85, 87],
    "align": ["c", "l", "l", "l", "c"],
    "rows": [
        ["1", "Ban hành Quy chế quản lý, sử dụng phòng họp không giấy", "Văn phòng Đảng ủy", "Ban Xây dựng Đảng", "Tháng 01/2027"],
        ["2", "Mua sắm, lắp đặt máy tính bảng, máy chủ, mạng không dây nội bộ", "UBND phường", "Văn phòng Đảng ủy", "Quý I/2027"],
        ["3", "Cài đặt phần mềm, cấp tài khoản, chứng chỉ bảo mật cho thiết bị", "Văn phòng Đảng ủy", "Công an phường", "Tháng 3/2027"],
        ["4", "Tập huấn cấp ủy viên, thư ký hội nghị, cán bộ lưu trữ", "Văn phòng Đảng ủy", "Đoàn Thanh niên", "Tháng 3 - 4/2027"],
        ["5", "Áp dụng tại 100% hội nghị Ban Chấp hành, Ban Thường vụ", "Văn phòng Đảng ủy", "Các cơ quan tham mưu", "Từ quý II/2027"],
        ["6", "Mở rộng đến cuộc họp của UBND phường", "UBND phường", "Văn phòng Đảng ủy", "Từ quý III/2027"],
        ["7", "Sơ kết 1 năm, điều chỉnh Quy chế", "Văn phòng Đảng ủy", "Các cơ quan liên quan", "Tháng 12/2027"],
        ["8", "Mở rộng đến các chi bộ có đủ điều kiện", "Ban Xây dựng Đảng", "Các chi bộ trực thuộc", "Năm 2028"],
        ["9", "Lập hồ sơ, nộp lưu tài liệu hội nghị điện tử năm 2027", "Văn phòng Đảng ủy", "Bộ phận lưu trữ", "Quý II/2028"],
        ["10", "Tổng kết giai đoạn 2027 - 2028", "Văn phòng Đảng ủy", "Các cơ quan liên quan", "Tháng 12/2028"],
    ],
}

# --------------------------------------------------------------------------
# 4. Tờ trình (the scanned, signed and stamped document)
# --------------------------------------------------------------------------

TO_TRINH_BODY = """
> Căn cứ Quy chế làm việc của Ban Chấp hành Đảng bộ phường nhiệm kỳ 2025 - 2030;
> Căn cứ Kế hoạch triển khai phòng họp không giấy giai đoạn 2027 - 2028 của Ban Thường vụ Đảng ủy,
Ban Thường vụ Đảng ủy kính trình Ban Chấp hành Đảng bộ phường xem xét, cho chủ trương về việc bổ sung trang thiết bị phòng họp không giấy năm 2027, cụ thể như sau:
# I. SỰ CẦN THIẾT
Từ tháng 3 năm 2026, các hội nghị Ban Chấp hành, Ban Thường vụ Đảng ủy đã được tổ chức theo hình thức phòng họp không giấy với 14 máy tính bảng mượn từ các cơ quan, bước đầu phát huy hiệu quả. Tuy nhiên, số thiết bị hiện có không đủ cho toàn thể cấp ủy viên và khách mời; mạng không dây tại hội trường thường xuyên quá tải; chưa có máy chủ và bộ lưu điện riêng nên hệ thống phụ thuộc vào máy tính cá nhân của cán bộ Văn phòng. Để triển khai Kế hoạch giai đoạn 2027 - 2028, việc bổ sung trang thiết bị là cần thiết.
# II. NỘI DUNG ĐỀ NGHỊ
## 1. Danh mục trang thiết bị
{TABLE_THIET_BI}
## 2. Nguồn kinh phí
Từ dự toán ngân sách phường năm 2027 (nguồn chi thường xuyên cho ứng dụng công nghệ thông tin, chuyển đổi số), không phát sinh nguồn vốn đầu tư công.
## 3. Tổ chức thực hiện
Giao Đảng ủy Ủy ban nhân dân phường lãnh đạo Ủy ban nhân dân phường tổ chức mua sắm theo đúng quy định; Văn phòng Đảng ủy tiếp nhận, quản lý, đưa thiết bị vào sử dụng trong quý I năm 2027.
Ban Thường vụ Đảng ủy kính trình Ban Chấp hành Đảng bộ phường xem xét, quyết định./.
"""

TABLE_THIET_BI = {
    "header": ["STT", "Trang thiết bị", "Số lượng", "Thành tiền (triệu đồng)"],
    "widths": [30, 250, 70, 115],
    "align": ["c", "l", "c", "r"],
    "rows": [
        ["1", "Máy tính bảng 11 inch kèm bút cảm ứng, bao da", "36 bộ", "324,0"],
        ["2", "Máy chủ mini đặt tại trụ sở, kèm ổ lưu trữ dự phòng", "01 bộ", "38,5"],
        ["3", "Thiết bị phát sóng Wi-Fi chuyên dụng cho hội trường", "04 chiếc", "28,0"],
        ["4", "Bộ lưu điện (UPS) cho máy chủ và thiết bị mạng", "02 bộ", "12,5"],
        ["5", "Tủ sạc, bảo quản máy tính bảng", "02 tủ", "9,0"],
        ["", "!Cộng năm 2027", "", "!412,0"],
    ],
}


def documents(Doc, table_html):
    """The demo documents, in agenda order."""

    def tables(text, **named):
        for name, spec in named.items():
            text = text.replace("{" + name + "}", table_html(**spec))
        return text

    return [
        Doc(
            filename="bao-cao-ket-qua-nhiem-vu-2026.pdf",
            pdf_title="Báo cáo kết quả thực hiện nhiệm vụ năm 2026, phương hướng, nhiệm vụ năm 2027",
            number="Số 186-BC/ĐU",
            date="ngày 20 tháng 11 năm 2026",
            kind="BÁO CÁO",
            subject_lines=["kết quả thực hiện nhiệm vụ năm 2026,", "phương hướng, nhiệm vụ năm 2027"],
            body=tables(REPORT_BODY, TABLE_CCHC=TABLE_CCHC),
            annex=tables(REPORT_ANNEX, TABLE_CHI_TIEU=TABLE_CHI_TIEU),
            recipients=[
                "- Ban Thường vụ Tỉnh ủy (báo cáo),",
                "- Các đồng chí Ủy viên BCH Đảng bộ phường,",
                "- Các chi bộ, đảng bộ trực thuộc,",
                "- Lưu Văn phòng Đảng ủy.",
            ],
            sign_for="T/M ĐẢNG ỦY",
            sign_title="BÍ THƯ",
            signer=BI_THU,
            keywords="báo cáo; năm 2026; phương hướng 2027; cải cách hành chính; chuyển đổi số",
        ),
        Doc(
            filename="du-thao-nghi-quyet-cchc-chuyen-doi-so.pdf",
            pdf_title="Dự thảo Nghị quyết về đẩy mạnh cải cách hành chính gắn với chuyển đổi số giai đoạn 2027 - 2030",
            number="Số      -NQ/ĐU",
            date="ngày      tháng 11 năm 2026",
            kind="NGHỊ QUYẾT",
            subject_lines=[
                "về đẩy mạnh cải cách hành chính gắn với chuyển đổi số",
                "giai đoạn 2027 - 2030",
            ],
            body=RESOLUTION_BODY,
            recipients=[
                "- Ban Thường vụ Tỉnh ủy (báo cáo),",
                "- Các đồng chí Ủy viên BCH Đảng bộ phường,",
                "- UBND, Ủy ban MTTQ Việt Nam phường,",
                "- Các chi bộ, đảng bộ trực thuộc,",
                "- Lưu Văn phòng Đảng ủy.",
            ],
            sign_for="T/M BAN CHẤP HÀNH",
            sign_title="BÍ THƯ",
            signer="",
            draft=True,
            keywords="nghị quyết; dự thảo; cải cách hành chính; chuyển đổi số; 2027 - 2030",
        ),
        Doc(
            filename="ke-hoach-phong-hop-khong-giay-2027-2028.pdf",
            pdf_title="Kế hoạch triển khai phòng họp không giấy giai đoạn 2027 - 2028",
            number="Số 74-KH/ĐU",
            date="ngày 18 tháng 11 năm 2026",
            kind="KẾ HOẠCH",
            subject_lines=["triển khai phòng họp không giấy giai đoạn 2027 - 2028"],
            body=tables(PLAN_BODY, TABLE_WORKFLOW=TABLE_WORKFLOW, TABLE_TIMELINE=TABLE_TIMELINE),
            recipients=[
                "- Các đồng chí Ủy viên BCH Đảng bộ phường,",
                "- Đảng ủy UBND phường,",
                "- Công an phường,",
                "- Các chi bộ, đảng bộ trực thuộc,",
                "- Lưu Văn phòng Đảng ủy.",
            ],
            sign_for="T/M BAN THƯỜNG VỤ",
            sign_title="PHÓ BÍ THƯ",
            signer=PHO_BI_THU_TT,
            keywords="kế hoạch; phòng họp không giấy; chuyển đổi số; 2027 - 2028",
        ),
        Doc(
            filename="to-trinh-trang-thiet-bi-phong-hop-ban-scan.pdf",
            pdf_title="Tờ trình về việc bổ sung trang thiết bị phòng họp không giấy năm 2027 (bản scan)",
            number="Số 19-TTr/ĐU",
            date="ngày 23 tháng 11 năm 2026",
            kind="TỜ TRÌNH",
            subject_lines=["về việc bổ sung trang thiết bị phòng họp không giấy năm 2027"],
            to="Kính gửi: Ban Chấp hành Đảng bộ phường Phan Đình Phùng.",
            body=tables(TO_TRINH_BODY, TABLE_THIET_BI=TABLE_THIET_BI),
            recipients=[
                "- Như kính gửi,",
                "- Lưu Văn phòng Đảng ủy.",
            ],
            sign_for="T/M BAN THƯỜNG VỤ",
            sign_title="BÍ THƯ",
            signer=BI_THU,
            scan=True,
            keywords="tờ trình; trang thiết bị; phòng họp không giấy; bản scan",
        ),
    ]
