{{/* The config Secret's name: the user's, or the chart's. */}}
{{- define "metal-ccm.secretName" -}}
{{- default "metal-cloud-config" .Values.existingSecret -}}
{{- end -}}

{{- define "metal-ccm.labels" -}}
app.kubernetes.io/name: equinix-metal-ccm
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}
