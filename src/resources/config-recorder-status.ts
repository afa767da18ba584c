import { bool, str } from '../util/values';
import { tfRefs } from './mapping';
import { defineResource } from './module';

const TYPE = 'trailproof::Config::RecorderStatus';

export const configRecorderStatus = defineResource({
  type: TYPE,
  description: "Terraform's recorder status resource: whether its recorder records, folded into the recorder",
  internal: true,
  terraform: {
    types: { aws_config_configuration_recorder_status: {} },
    map: (v) => ({ type: TYPE, id: str(v.name), name: str(v.name), arn: null, properties: { recording: bool(v.is_enabled) }, refs: { recorder: tfRefs(v.name) } }),
  },
  relations: { recorder: { to: ['AWS::Config::ConfigurationRecorder'] } },
  derive: {
    foldAlong: 'recorder',
    fold(status, recorder) {
      recorder.properties.recording = status.properties.recording;
    },
  },
});
