import { healthResponse } from "../api/health.server";

export const loader = () => healthResponse();
