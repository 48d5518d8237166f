/**
 * The provincial departments and bodies of both maps (the 2021 reference data and the 2025 edition), each named once:
 * a code means the same department on both maps, so a department both maps have is written here once and each
 * edition lists the codes of its own departments, in its order.
 */

/** How a province names its own bodies: "tỉnh", or "thành phố" for a centrally-run city ("Công an thành phố"). */
export type ProvinceWord = 'tỉnh' | 'thành phố';

export interface DepartmentSeed { code: string; name: string }

/** The names of the departments, by code. */
function departmentNames(tinh: ProvinceWord): Readonly<Record<string, string>> {
  return {
    // on both maps
    'VP-UBND-TINH': `Văn phòng UBND ${tinh}`,
    'SO-YTE': 'Sở Y tế',
    'SO-GDDT': 'Sở Giáo dục và Đào tạo',
    'SO-CT': 'Sở Công Thương',
    'CA-TINH': `Công an ${tinh}`,
    // on the 2021 map only (merged into other departments in 2025)
    'SO-LDTBXH': 'Sở Lao động - Thương binh và Xã hội',
    'SO-TTTT': 'Sở Thông tin và Truyền thông',
    'SO-GTVT': 'Sở Giao thông vận tải',
    // on the 2025 map only
    'SO-NV': 'Sở Nội vụ',
    'SO-TC': 'Sở Tài chính',
    'SO-XD': 'Sở Xây dựng',
    'SO-NNMT': 'Sở Nông nghiệp và Môi trường',
    'SO-KHCN': 'Sở Khoa học và Công nghệ',
    'SO-VHTTDL': 'Sở Văn hóa, Thể thao và Du lịch',
    'SO-TP': 'Sở Tư pháp',
    'THANH-TRA-TINH': `Thanh tra ${tinh}`,
  };
}

/** The departments of `codes`, in that order, with their names. */
export function provincialDepartments(codes: readonly string[], tinh: ProvinceWord): DepartmentSeed[] {
  const names = departmentNames(tinh);
  return codes.map((code) => {
    const name = names[code];
    if (name === undefined) throw new Error(`unknown provincial department ${code}`);
    return { code, name };
  });
}
