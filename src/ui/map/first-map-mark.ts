/** The User Timing mark set when the map is first painted with its lanes (read by `npm run bench`). */
export const FIRST_MAP_MARK = 'iova-explorer:first-map';
