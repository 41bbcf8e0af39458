import type { PipelineStage } from "../api/types";

/** The pipeline's stages as a select's options, in order (each select adds its own "No stage" or "Any"). */
export function StageOptions({ stages }: { stages: PipelineStage[] }) {
  return (
    <>
      {stages.map((stage) => (
        <option key={stage.id} value={stage.id}>
          {stage.name}
        </option>
      ))}
    </>
  );
}
